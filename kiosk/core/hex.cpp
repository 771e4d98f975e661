#include "kiosk/core/hex.hpp"

#include <fmt/format.h>

namespace shubbak {

namespace {

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string encode(ByteView bytes, const char* digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0F]);
  }
  return out;
}

template <class Out>
Expected<Out> decode_strict(std::string_view text) {
  if (text.size() % 2 != 0) return fail(Errc::parse, "hex text of odd length");
  Out out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = nibble(text[i]), low = nibble(text[i + 1]);
    if (high < 0 || low < 0) return fail(Errc::parse, "not a hex digit");
    out.push_back(static_cast<typename Out::value_type>((high << 4) | low));
  }
  return out;
}

}  // namespace

std::string to_hex(ByteView bytes) {
  return encode(bytes, "0123456789abcdef");
}

std::string to_hex_upper(ByteView bytes) {
  return encode(bytes, "0123456789ABCDEF");
}

Expected<Bytes> from_hex(std::string_view text) {
  return decode_strict<Bytes>(text);
}

Expected<std::string> from_hex_text(std::string_view text) {
  return decode_strict<std::string>(text);
}

Expected<Bytes> parse_hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == ':') continue;
    int value = nibble(c);
    if (value < 0) return fail(Errc::parse, fmt::format("'{}' is not a hex digit", c));
    if (high < 0) {
      high = value;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | value));
      high = -1;
    }
  }
  if (high >= 0) return fail(Errc::parse, "odd number of hex digits");
  return out;
}

}  // namespace shubbak
