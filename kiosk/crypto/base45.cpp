#include "kiosk/crypto/base45.hpp"

#include <fmt/format.h>

namespace shubbak {

namespace {

constexpr std::string_view k_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int digit_value(char c) {
  auto at = k_alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string base45_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() / 2 * 3 + 2);
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n = bytes[i] * 256u + bytes[i + 1];
    out += k_alphabet[n % 45];
    out += k_alphabet[n / 45 % 45];
    out += k_alphabet[n / (45 * 45)];
  }
  if (i < bytes.size()) {
    unsigned n = bytes[i];
    out += k_alphabet[n % 45];
    out += k_alphabet[n / 45];
  }
  return out;
}

Expected<Bytes> base45_decode(std::string_view text) {
  if (text.size() % 3 == 1)
    return fail(Errc::parse, fmt::format("base45 text of {} characters is truncated", text.size()));
  Bytes out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (std::size_t i = 0; i < text.size(); i += 3) {
    std::size_t count = std::min<std::size_t>(3, text.size() - i);
    unsigned n = 0, scale = 1;
    for (std::size_t k = 0; k < count; ++k) {
      int d = digit_value(text[i + k]);
      if (d < 0) return fail(Errc::parse, fmt::format("character {} is not base45", i + k + 1));
      n += static_cast<unsigned>(d) * scale;
      scale *= 45;
    }
    if (count == 3) {
      if (n > 0xFFFF)
        return fail(Errc::parse,
                    fmt::format("base45 group at character {} is out of range", i + 1));
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n & 0xFF));
    } else {
      if (n > 0xFF)
        return fail(Errc::parse,
                    fmt::format("base45 group at character {} is out of range", i + 1));
      out.push_back(static_cast<std::uint8_t>(n));
    }
  }
  return out;
}

}  // namespace shubbak
