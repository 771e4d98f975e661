// Base45 (RFC 9285): bytes as text from the 45 characters of a QR code's alphanumeric mode
// ("0-9A-Z $%*+-./:"). Two bytes take three characters, and a QR code stores each character in
// 5.5 bits, so binary data costs about 8.25 bits a byte in a QR code instead of 10.7 with
// base64 in byte mode: the receipt seal's QR code is a version or two smaller.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

std::string base45_encode(std::span<const std::uint8_t> bytes);

// Strict: refuses characters outside the alphabet, a length of 3n+1, and triples or pairs whose
// value does not fit the bytes they stand for (so every byte string has exactly one encoding).
Expected<Bytes> base45_decode(std::string_view text);

}  // namespace shubbak
