// OpenSSL backend of signature.hpp: EVP one-shot signatures (ed25519 needs them).
#include "kiosk/crypto/signature.hpp"

#include <memory>
#include <vector>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

using Pkey = openssl::PkeyPtr;
using MdCtx = openssl::MdCtxPtr;
using PkeyCtx = openssl::PkeyCtxPtr;
using Bio = openssl::BioPtr;

constexpr std::size_t k_ed25519_key_length = 32;

Expected<Pkey> read_public_key(const PublicKey& key) {
  if (key.scheme == KeyScheme::ed25519) {
    auto raw = from_hex(key.value);
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
    return PublicKey{scheme, to_hex(ByteView(raw, length))};
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

}  // namespace shubbak
