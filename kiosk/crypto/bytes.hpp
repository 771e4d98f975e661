// Byte strings and the encodings Shubbak puts them in (hex for hashes, base64 for keys and
// signatures in JSON), plus SHA-256.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

using Bytes = std::vector<std::uint8_t>;
using Sha256 = std::array<std::uint8_t, 32>;

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Sha256 sha256(std::span<const std::uint8_t> data);
inline Sha256 sha256(std::string_view text) {
  return sha256(as_bytes(text));
}

// Lower-case hex.
std::string to_hex(std::span<const std::uint8_t> bytes);
Expected<Bytes> from_hex(std::string_view text);

// Standard alphabet, padded.
std::string base64_encode(std::span<const std::uint8_t> bytes);
Expected<Bytes> base64_decode(std::string_view text);

// Cryptographically strong random bytes (getrandom); fails only if the kernel refuses.
Expected<void> random_bytes(std::span<std::uint8_t> out);

}  // namespace shubbak
