#include "provisioning/shubbakctl/signing_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/crypto/digest.hpp"
#include "kiosk/trust/canonical_json.hpp"

namespace shubbak::repo {

namespace fs = std::filesystem;

nlohmann::json public_key_json(const PublicKey& key) {
  return {{"keytype", keytype_name(key.scheme)},
          {"scheme", scheme_name(key.scheme)},
          {"keyval", {{"public", key.value}}}};
}

std::string key_id(const PublicKey& key) {
  auto canonical = trust::canonical_json(public_key_json(key));
  return *digest_hex("sha256", *canonical);
}

Expected<SigningKey> signing_key_from_pem(std::string private_pem) {
  auto scheme = private_key_scheme(private_pem);
  if (!scheme) return std::unexpected(scheme.error());
  auto public_key = public_key_of(*scheme, private_pem);
  if (!public_key) return std::unexpected(public_key.error());
  std::string id = key_id(*public_key);
  return SigningKey{*scheme, std::move(private_pem), std::move(*public_key), std::move(id)};
}

Expected<SigningKey> create_key_file(const fs::path& path, KeyScheme scheme) {
  auto pem = generate_private_key(scheme);
  if (!pem) return std::unexpected(pem.error());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail_errno(Errc::io, fmt::format("cannot create key file {}", path.string()), errno);
  bool ok = ::write(fd, pem->data(), pem->size()) == static_cast<ssize_t>(pem->size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return fail(Errc::io, fmt::format("cannot write key file {}", path.string()));
  return signing_key_from_pem(std::move(*pem));
}

Expected<SigningKey> load_key_file(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return fail_errno(Errc::not_found, fmt::format("key {}", path.string()), errno);
  if ((info.st_mode & 0077) != 0) {
    return fail(Errc::invalid_argument,
                fmt::format("key {} is readable by others (mode {:o}); run chmod 600 on it",
                            path.string(), info.st_mode & 0777));
  }
  auto pem = read_whole_file(path, 64 * 1024);
  if (!pem) return std::unexpected(pem.error());
  auto key = signing_key_from_pem(std::move(*pem));
  if (!key)
    return fail(key.error().code, fmt::format("key {}: {}", path.string(), key.error().message));
  return key;
}

Expected<std::vector<SigningKey>> load_key_dir(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".pem") files.push_back(entry.path());
  }
  if (ec)
    return fail(Errc::not_found,
                fmt::format("cannot list keys in {}: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<SigningKey> keys;
  for (const auto& file : files) {
    auto key = load_key_file(file);
    if (!key) return std::unexpected(key.error());
    keys.push_back(std::move(*key));
  }
  return keys;
}

}  // namespace shubbak::repo
