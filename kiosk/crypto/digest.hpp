// Digests by the names TUF metadata uses in "hashes" ("sha256", "sha512"), of a text or of a
// whole file streamed from disk. OpenSSL stays in digest.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

bool hash_algorithm_supported(std::string_view name);
// Lower-case hex. Errc::unsupported for an algorithm not named above.
Expected<std::string> digest_hex(std::string_view algorithm, std::string_view data);

// Hashes a file once with every algorithm named, streaming it in large blocks; also returns
// its length. Reads at most `max_length` + 1 bytes so an oversized file is noticed cheaply.
struct FileDigests {
  std::uint64_t length = 0;
  std::map<std::string, std::string> hex;  // algorithm -> lower-case hex digest
};
Expected<FileDigests> digest_file(const std::filesystem::path& path,
                                  const std::vector<std::string>& algorithms,
                                  std::uint64_t max_length);

}  // namespace shubbak
