// The kiosk's device key: an Ed25519 key pair that signs every transaction record (and, later,
// receipt QR payloads). In the demo it is generated on first start; in the field it is
// provisioned at enrolment. The private key never leaves this object: it is read from and
// written to one file in the data directory with mode 0600, and is never logged or exported.
//
// Threading: sign() and the accessors are const and safe from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

inline constexpr std::size_t k_ed25519_public_key_size = 32;
inline constexpr std::size_t k_ed25519_signature_size = 64;

class DeviceKey final {
 public:
  ~DeviceKey();
  DeviceKey(const DeviceKey&) = delete;
  DeviceKey& operator=(const DeviceKey&) = delete;

  // Loads the PEM private key at `path`; when there is no file, generates a new key and writes
  // it there (0600, created exclusively, fsynced). A file that exists but is unreadable, has
  // loose permissions or is not an Ed25519 key is an error: a kiosk never silently changes key.
  static Expected<std::unique_ptr<DeviceKey>> load_or_create(const std::filesystem::path& path);
  // Loads an existing key only.
  static Expected<std::unique_ptr<DeviceKey>> load(const std::filesystem::path& path);

  // The 64-byte Ed25519 signature of `message`.
  Expected<Bytes> sign(std::span<const std::uint8_t> message) const;
  Expected<Bytes> sign(std::string_view message) const;

  // The 32-byte raw public key, and the same as "-----BEGIN PUBLIC KEY-----" PEM.
  const Bytes& public_key() const { return m_public_raw; }
  std::string public_key_pem() const;

 private:
  struct Impl;
  explicit DeviceKey(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
  Bytes m_public_raw;
};

// True when `signature` is a valid Ed25519 signature of `message` by the raw `public_key`.
bool verify_ed25519(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature);

}  // namespace shubbak
