#include "drivers/card/bytes.hpp"

#include <cstring>

#include <fmt/format.h>

namespace shubbak {

void secure_wipe(void* data, std::size_t size) {
  if (data == nullptr || size == 0) return;
  ::explicit_bzero(data, size);
}

Expected<Bytes> parse_hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == ':') continue;
    int nibble = -1;
    if (c >= '0' && c <= '9') nibble = c - '0';
    if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
    if (nibble < 0) return fail(Errc::parse, fmt::format("'{}' is not a hex digit", c));
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | nibble));
      high = -1;
    }
  }
  if (high >= 0) return fail(Errc::parse, "odd number of hex digits");
  return out;
}

std::string to_hex_upper(ByteView bytes) {
  static constexpr char k_digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(k_digits[b >> 4]);
    out.push_back(k_digits[b & 0x0F]);
  }
  return out;
}

}  // namespace shubbak
