#include "provisioning/portal/published_tree.hpp"

#include <fstream>
#include <string>

#include <fmt/format.h>

namespace shubbak::portal {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_entries = 100'000;
constexpr std::string_view k_private_key_marker = "PRIVATE KEY-----";

// Whether the file holds a PEM private key ("-----BEGIN PRIVATE KEY-----", "... EC PRIVATE
// KEY-----", "... ENCRYPTED PRIVATE KEY-----", ...), read in chunks that overlap by the
// marker's length.
Expected<bool> holds_private_key(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("cannot read {}", file.string()));
  std::string window;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    window.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (window.find(k_private_key_marker) != std::string::npos) return true;
    window.erase(0, window.size() - std::min(window.size(), k_private_key_marker.size()));
  }
  return false;
}

}  // namespace

Expected<void> check_published_tree(const fs::path& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec);
  std::size_t entries = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++entries > k_max_entries) {
      return fail(Errc::config, fmt::format("{} holds more than {} entries; serve only the "
                                            "published repository (shubbakctl repo publish)",
                                            dir.string(), k_max_entries));
    }
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    auto secret = holds_private_key(it->path());
    if (!secret) return std::unexpected(secret.error());
    if (*secret) {
      return fail(Errc::config,
                  fmt::format("refusing to serve {}: {} holds a private key; serve only the "
                              "published repository (shubbakctl repo publish --out DIR)",
                              dir.string(), it->path().string()));
    }
  }
  if (ec) return fail(Errc::config, fmt::format("cannot read {}: {}", dir.string(), ec.message()));
  return {};
}

}  // namespace shubbak::portal
