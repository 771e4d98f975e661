#include "kiosk/crypto/bytes.hpp"

#include <sys/random.h>

#include <cerrno>

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace shubbak {

Sha256 sha256(std::span<const std::uint8_t> data) {
  Sha256 digest{};
  SHA256(data.data(), data.size(), digest.data());
  return digest;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(k_digits[b >> 4]);
    out.push_back(k_digits[b & 0x0F]);
  }
  return out;
}

Expected<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return fail(Errc::parse, "hex text of odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = nibble(text[i]), low = nibble(text[i + 1]);
    if (high < 0 || low < 0) return fail(Errc::parse, "not a hex digit");
    out.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return out;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

Expected<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return fail(Errc::parse, "base64 text length is not a multiple of 4");
  Bytes out(text.size() / 4 * 3);
  int written = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (written < 0) return fail(Errc::parse, "not base64");
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t size = static_cast<std::size_t>(written);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

Expected<void> random_bytes(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    ssize_t got = ::getrandom(out.data() + filled, out.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail_errno(Errc::io, "getrandom", errno);
    }
    filled += static_cast<std::size_t>(got);
  }
  return {};
}

}  // namespace shubbak
