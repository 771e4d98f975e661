// SHA-256, base64 (keys and signatures in JSON) and random bytes, over OpenSSL and the kernel.
// Hex is kiosk/core/hex.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

using Sha256 = std::array<std::uint8_t, 32>;

Sha256 sha256(std::span<const std::uint8_t> data);
inline Sha256 sha256(std::string_view text) {
  return sha256(as_bytes(text));
}

// Standard alphabet, padded.
std::string base64_encode(std::span<const std::uint8_t> bytes);
Expected<Bytes> base64_decode(std::string_view text);

// Cryptographically strong random bytes (getrandom); fails only if the kernel refuses.
Expected<void> random_bytes(std::span<std::uint8_t> out);

}  // namespace shubbak
