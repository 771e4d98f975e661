// Replacing a file so that a crash at any moment leaves either the old or the new content,
// never a mix: write a temporary file beside it, fsync it, rename it over the old one, fsync the
// directory. Every step reports to an optional observer, which is where crash tests cut in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

enum class PersistStep { written, synced, renamed, directory_synced, removed };

std::string_view to_string(PersistStep step);

// Called after each step, with the file it concerns.
using PersistObserver = std::function<void(PersistStep step, const std::filesystem::path& file)>;

Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                     const PersistObserver& observer = {});

// Moves an already written and synced file into place the same way (rename + directory fsync).
Expected<void> install_file_atomically(const std::filesystem::path& from,
                                       const std::filesystem::path& to,
                                       const PersistObserver& observer = {});

// Removes a file and syncs its directory; a missing file is not an error.
Expected<void> remove_file_durably(const std::filesystem::path& path,
                                   const PersistObserver& observer = {});

Expected<void> sync_directory(const std::filesystem::path& directory);

Expected<std::string> read_whole_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

}  // namespace shubbak
