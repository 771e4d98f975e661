// Hex text for bytes: the one codec for digests, key ids, signatures in TUF metadata, card
// frames in logs and tests.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

// "3b8f80": lower case, no separators (digests, TUF key ids and signatures).
std::string to_hex(ByteView bytes);
inline std::string to_hex(std::string_view raw) {
  return to_hex(as_bytes(raw));
}
// "3B8F80": upper case, no separators (card frames, as the standards print them).
std::string to_hex_upper(ByteView bytes);

// Exactly an even number of hex digits, either case. Errc::parse otherwise.
Expected<Bytes> from_hex(std::string_view text);
// The same, as a byte string (TUF signatures are handled as std::string).
Expected<std::string> from_hex_text(std::string_view text);
// Hex as people write it: "3B 8F 80", "3b:8f:80" or "3b8f80" (spaces and colons skipped).
Expected<Bytes> parse_hex(std::string_view text);

}  // namespace shubbak
