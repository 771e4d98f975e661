// Checking the transaction store's file before it is opened. Private to kiosk/store.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

// When `path` exists and `structural_check` is set: runs PRAGMA integrity_check on it, and if it
// is corrupt moves it (with its -wal and -shm files) aside to "<path>.corrupt-<now_ms>" and
// returns Errc::integrity.
// When `path` does not exist but a moved-aside copy does: Errc::integrity, because creating an
// empty store would silently drop what the corrupt one held. Other failures (a locked or
// unreadable file) are returned as they are, and nothing is moved.
Expected<void> check_store_file(const std::filesystem::path& path, std::int64_t now_ms,
                                const Log& log, bool structural_check);

// PRAGMA integrity_check on a read-only connection of its own (so it runs beside the store's
// writes, in WAL mode): "" when the file is sound, else the first problem. Errc::cancelled when
// `cancel` turned true meanwhile.
Expected<std::string> structural_problem(const std::filesystem::path& path,
                                         const std::atomic<bool>* cancel);

// Moves the store (with its -wal and -shm files) aside to "<path>.corrupt-<now_ms>", kept whole
// for a technician; returns where it went.
Expected<std::filesystem::path> move_store_aside(const std::filesystem::path& path,
                                                 std::int64_t now_ms);

// A copy an earlier start moved aside, if any.
std::optional<std::filesystem::path> moved_aside_copy(const std::filesystem::path& path);

}  // namespace shubbak
