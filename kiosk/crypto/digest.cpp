// OpenSSL backend of digest.hpp: EVP digests.
#include "kiosk/crypto/digest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

using MdCtx = openssl::MdCtxPtr;

const EVP_MD* named_digest(std::string_view algorithm) {
  if (algorithm == "sha256") return EVP_sha256();
  if (algorithm == "sha512") return EVP_sha512();
  return nullptr;
}

}  // namespace

bool hash_algorithm_supported(std::string_view name) {
  return named_digest(name) != nullptr;
}

Expected<std::string> digest_hex(std::string_view algorithm, std::string_view data) {
  const EVP_MD* md = named_digest(algorithm);
  if (md == nullptr)
    return fail(Errc::unsupported, fmt::format("unsupported hash algorithm \"{}\"", algorithm));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1) {
    return fail(Errc::internal, "digest failed: " + openssl::last_error());
  }
  return to_hex(ByteView(out, length));
}

Expected<FileDigests> digest_file(const std::filesystem::path& path,
                                  const std::vector<std::string>& algorithms,
                                  std::uint64_t max_length) {
  std::vector<MdCtx> contexts;
  for (const auto& name : algorithms) {
    const EVP_MD* md = named_digest(name);
    if (md == nullptr)
      return fail(Errc::unsupported, fmt::format("unsupported hash algorithm \"{}\"", name));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
      return fail(Errc::internal, "digest init failed: " + openssl::last_error());
    }
    contexts.push_back(std::move(ctx));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail_errno(Errc::not_found, fmt::format("cannot open {}", path.string()), errno);
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  // Large blocks keep syscall overhead far below the hashing cost.
  constexpr std::size_t k_block = 1 << 20;
  std::vector<char> buffer(k_block);
  FileDigests result;
  for (;;) {
    ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail_errno(Errc::io, fmt::format("cannot read {}", path.string()), errno);
    }
    if (got == 0) break;
    result.length += static_cast<std::uint64_t>(got);
    if (result.length > max_length) {
      return fail(Errc::integrity,
                  fmt::format("{} is longer than {} bytes", path.string(), max_length));
    }
    for (auto& ctx : contexts)
      EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(got));
  }
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(contexts[i].get(), out, &length);
    result.hex[algorithms[i]] = to_hex(ByteView(out, length));
  }
  return result;
}

}  // namespace shubbak
