// OpenSSL backend of crypto.hpp: EVP one-shot signatures (ed25519 needs them), EVP digests.
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "kiosk/crypto/openssl_handles.hpp"
#include "kiosk/trust/crypto.hpp"

namespace shubbak::trust {

namespace {

using Pkey = openssl::PkeyPtr;
using MdCtx = openssl::MdCtxPtr;
using PkeyCtx = openssl::PkeyCtxPtr;
using Bio = openssl::BioPtr;

constexpr std::size_t k_ed25519_key_length = 32;

Expected<Pkey> read_public_key(const PublicKey& key) {
  if (key.scheme == KeyScheme::ed25519) {
    auto raw = hex_decode(key.value);
    if (!raw || raw->size() != k_ed25519_key_length) {
      return fail(Errc::parse, "an ed25519 public key must be 64 hex digits");
    }
    Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                          reinterpret_cast<const unsigned char*>(raw->data()),
                                          raw->size()));
    if (!pkey) return fail(Errc::parse, "unreadable ed25519 public key: " + openssl::last_error());
    return pkey;
  }
  Bio bio(BIO_new_mem_buf(key.value.data(), static_cast<int>(key.value.size())));
  if (!bio) return fail(Errc::internal, "out of memory");
  Pkey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return fail(Errc::parse, "unreadable PEM public key: " + openssl::last_error());
  bool matches = key.scheme == KeyScheme::ecdsa_p256
                     ? EVP_PKEY_is_a(pkey.get(), "EC") && EVP_PKEY_get_bits(pkey.get()) == 256
                     : EVP_PKEY_is_a(pkey.get(), "RSA") && EVP_PKEY_get_bits(pkey.get()) >= 2048;
  if (!matches) {
    return fail(Errc::parse, fmt::format("the PEM key is not a {} key", scheme_name(key.scheme)));
  }
  return pkey;
}

Expected<Pkey> read_private_key(KeyScheme scheme, std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(Errc::internal, "out of memory");
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return fail(Errc::parse, "unreadable PEM private key: " + openssl::last_error());
  const char* type = scheme == KeyScheme::ed25519      ? "ED25519"
                     : scheme == KeyScheme::ecdsa_p256 ? "EC"
                                                       : "RSA";
  if (!EVP_PKEY_is_a(pkey.get(), type)) {
    return fail(Errc::parse, fmt::format("the private key is not a {} key", scheme_name(scheme)));
  }
  return pkey;
}

const EVP_MD* message_digest(KeyScheme scheme) {
  return scheme == KeyScheme::ed25519 ? nullptr : EVP_sha256();
}

// RSA-PSS with MGF1-SHA256; signing uses a salt as long as the digest (what TUF tools write),
// verification accepts any salt length, as python-tuf's and go-tuf's verifiers do.
bool configure_pss(EVP_PKEY_CTX* ctx, bool signing) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(
             ctx, signing ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO) > 0;
}

const EVP_MD* named_digest(std::string_view algorithm) {
  if (algorithm == "sha256") return EVP_sha256();
  if (algorithm == "sha512") return EVP_sha512();
  return nullptr;
}

}  // namespace

Expected<KeyScheme> scheme_from_metadata(std::string_view keytype, std::string_view scheme) {
  if (keytype == "ed25519" && scheme == "ed25519") return KeyScheme::ed25519;
  if ((keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp256") && scheme == "ecdsa-sha2-nistp256") {
    return KeyScheme::ecdsa_p256;
  }
  if (keytype == "rsa" && scheme == "rsassa-pss-sha256") return KeyScheme::rsa_pss_sha256;
  return fail(Errc::unsupported,
              fmt::format("unsupported key type \"{}\" with scheme \"{}\"", keytype, scheme));
}

std::string_view keytype_name(KeyScheme scheme) {
  switch (scheme) {
    case KeyScheme::ed25519:
      return "ed25519";
    case KeyScheme::ecdsa_p256:
      return "ecdsa";
    case KeyScheme::rsa_pss_sha256:
      return "rsa";
  }
  return "unknown";
}

std::string_view scheme_name(KeyScheme scheme) {
  switch (scheme) {
    case KeyScheme::ed25519:
      return "ed25519";
    case KeyScheme::ecdsa_p256:
      return "ecdsa-sha2-nistp256";
    case KeyScheme::rsa_pss_sha256:
      return "rsassa-pss-sha256";
  }
  return "unknown";
}

Expected<void> verify_signature(const PublicKey& key, std::string_view message,
                                std::string_view signature) {
  auto pkey = read_public_key(key);
  if (!pkey) return std::unexpected(pkey.error());
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, message_digest(key.scheme), nullptr,
                                   pkey->get()) != 1) {
    return fail(Errc::internal, "cannot start signature verification: " + openssl::last_error());
  }
  if (key.scheme == KeyScheme::rsa_pss_sha256 && !configure_pss(pctx, false)) {
    return fail(Errc::internal, "cannot configure RSA-PSS: " + openssl::last_error());
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (ok != 1) return fail(Errc::integrity, "signature does not verify");
  return {};
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    auto byte = static_cast<unsigned char>(ch);
    out.push_back(k_digits[byte >> 4]);
    out.push_back(k_digits[byte & 0x0f]);
  }
  return out;
}

Expected<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return fail(Errc::parse, "hex text of odd length");
  auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int high = nibble(hex[i]), low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return fail(Errc::parse, "not a hex digit");
    out.push_back(static_cast<char>((high << 4) | low));
  }
  return out;
}

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
  return hex_encode(std::string_view(reinterpret_cast<const char*>(out), length));
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
    result.hex[algorithms[i]] =
        hex_encode(std::string_view(reinterpret_cast<const char*>(out), length));
  }
  return result;
}

Expected<std::string> generate_private_key(KeyScheme scheme) {
  Pkey pkey;
  switch (scheme) {
    case KeyScheme::ed25519:
      pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      break;
    case KeyScheme::ecdsa_p256:
      pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
      break;
    case KeyScheme::rsa_pss_sha256:
      pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)));
      break;
  }
  if (!pkey) return fail(Errc::internal, "key generation failed: " + openssl::last_error());
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(Errc::internal, "cannot write the private key: " + openssl::last_error());
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Expected<KeyScheme> private_key_scheme(std::string_view private_pem) {
  Bio bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  if (!bio) return fail(Errc::internal, "out of memory");
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return fail(Errc::parse, "unreadable PEM private key: " + openssl::last_error());
  if (EVP_PKEY_is_a(pkey.get(), "ED25519")) return KeyScheme::ed25519;
  if (EVP_PKEY_is_a(pkey.get(), "EC") && EVP_PKEY_get_bits(pkey.get()) == 256)
    return KeyScheme::ecdsa_p256;
  if (EVP_PKEY_is_a(pkey.get(), "RSA") && EVP_PKEY_get_bits(pkey.get()) >= 2048)
    return KeyScheme::rsa_pss_sha256;
  return fail(Errc::unsupported,
              "the private key is not ed25519, P-256 ECDSA or RSA of 2048 bits or more");
}

Expected<PublicKey> public_key_of(KeyScheme scheme, std::string_view private_pem) {
  auto pkey = read_private_key(scheme, private_pem);
  if (!pkey) return std::unexpected(pkey.error());
  if (scheme == KeyScheme::ed25519) {
    unsigned char raw[k_ed25519_key_length];
    std::size_t length = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(pkey->get(), raw, &length) != 1) {
      return fail(Errc::internal, "cannot read the ed25519 public key: " + openssl::last_error());
    }
    return PublicKey{scheme,
                     hex_encode(std::string_view(reinterpret_cast<const char*>(raw), length))};
  }
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey->get()) != 1) {
    return fail(Errc::internal, "cannot write the public key: " + openssl::last_error());
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return PublicKey{scheme, std::string(data, static_cast<std::size_t>(size))};
}

Expected<std::string> sign_message(KeyScheme scheme, std::string_view private_pem,
                                   std::string_view message) {
  auto pkey = read_private_key(scheme, private_pem);
  if (!pkey) return std::unexpected(pkey.error());
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), &pctx, message_digest(scheme), nullptr, pkey->get()) != 1) {
    return fail(Errc::internal, "cannot start signing: " + openssl::last_error());
  }
  if (scheme == KeyScheme::rsa_pss_sha256 && !configure_pss(pctx, true)) {
    return fail(Errc::internal, "cannot configure RSA-PSS: " + openssl::last_error());
  }
  std::size_t length = 0;
  auto* in = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &length, in, message.size()) != 1) {
    return fail(Errc::internal, "signing failed: " + openssl::last_error());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, in,
                     message.size()) != 1) {
    return fail(Errc::internal, "signing failed: " + openssl::last_error());
  }
  signature.resize(length);
  return signature;
}

}  // namespace shubbak::trust
