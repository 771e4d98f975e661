#include "kiosk/crypto/device_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

using openssl::BioPtr;
using openssl::MdCtxPtr;
using openssl::PkeyCtxPtr;
using openssl::PkeyPtr;

Expected<std::string> read_private_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return fail_errno(errno == ENOENT ? Errc::not_found : Errc::io,
                      fmt::format("cannot open device key {}", path.string()), errno);
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int saved = errno;
    ::close(fd);
    return fail_errno(Errc::io, fmt::format("cannot stat device key {}", path.string()), saved);
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return fail(Errc::integrity,
                fmt::format("device key {} is readable by others (mode {:o}); expected 0600",
                            path.string(), info.st_mode & 0777));
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int saved = errno;
      ::close(fd);
      return fail_errno(Errc::io, fmt::format("cannot read device key {}", path.string()), saved);
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return text;
}

// Writes the PEM to a new 0600 file and syncs it and its directory, so the key survives a
// power cut that follows the first transaction it signs.
Expected<void> write_private_file(const std::filesystem::path& path, const std::string& pem) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return fail_errno(Errc::io, fmt::format("cannot create device key {}", path.string()), errno);
  std::size_t done = 0;
  while (done < pem.size()) {
    ssize_t wrote = ::write(fd, pem.data() + done, pem.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return fail_errno(Errc::io, fmt::format("cannot write device key {}", path.string()), saved);
    }
    done += static_cast<std::size_t>(wrote);
  }
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return fail_errno(Errc::io, fmt::format("cannot sync device key {}", path.string()), saved);
  }
  ::close(fd);
  auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

Expected<Bytes> raw_public_key(EVP_PKEY* key) {
  Bytes raw(k_ed25519_public_key_size);
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &size) != 1 || size != raw.size()) {
    return fail(Errc::internal, "cannot read the device public key: " + openssl::last_error());
  }
  return raw;
}

}  // namespace

struct DeviceKey::Impl {
  PkeyPtr key;
};

DeviceKey::DeviceKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DeviceKey::~DeviceKey() = default;

Expected<std::unique_ptr<DeviceKey>> DeviceKey::load(const std::filesystem::path& path) {
  auto pem = read_private_file(path);
  if (!pem) return std::unexpected(pem.error());
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!key)
    return fail(Errc::parse, fmt::format("device key {} is not a PEM private key", path.string()));
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return fail(Errc::unsupported,
                fmt::format("device key {} is not an Ed25519 key", path.string()));
  }
  auto public_raw = raw_public_key(key.get());
  if (!public_raw) return std::unexpected(public_raw.error());
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(key);
  std::unique_ptr<DeviceKey> device(new DeviceKey(std::move(impl)));
  device->m_public_raw = std::move(*public_raw);
  return device;
}

Expected<std::unique_ptr<DeviceKey>> DeviceKey::load_or_create(const std::filesystem::path& path) {
  auto existing = load(path);
  if (existing || existing.error().code != Errc::not_found) return existing;

  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* generated = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &generated) != 1) {
    return fail(Errc::internal, "cannot generate an Ed25519 device key: " + openssl::last_error());
  }
  PkeyPtr key(generated);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(Errc::internal, "cannot encode the device key: " + openssl::last_error());
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<std::size_t>(size));
  auto written = write_private_file(path, pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!written) return std::unexpected(written.error());
  return load(path);
}

Expected<Bytes> DeviceKey::sign(std::span<const std::uint8_t> message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes signature(k_ed25519_signature_size);
  std::size_t size = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_impl->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1) {
    return fail(Errc::internal, "Ed25519 signing failed: " + openssl::last_error());
  }
  signature.resize(size);
  return signature;
}

Expected<Bytes> DeviceKey::sign(std::string_view message) const {
  return sign(as_bytes(message));
}

std::string DeviceKey::public_key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_impl->key.get()) != 1) return {};
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

bool verify_ed25519(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature) {
  if (public_key.size() != k_ed25519_public_key_size ||
      signature.size() != k_ed25519_signature_size)
    return false;
  PkeyPtr key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  bool ok = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                             message.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace shubbak
