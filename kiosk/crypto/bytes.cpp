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
