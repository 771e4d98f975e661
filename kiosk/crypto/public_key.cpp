// OpenSSL's side of reading public keys (the crypto module's other OpenSSL file is device_key.cpp).
#include "kiosk/crypto/public_key.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

openssl::BioPtr memory_bio(std::string_view text) {
  return openssl::BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Expected<Bytes> raw_ed25519(EVP_PKEY* key, std::string_view where) {
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return fail(Errc::unsupported, std::string(where) + " holds a " +
                                       OBJ_nid2sn(EVP_PKEY_get_id(key)) +
                                       " key, not the kiosk's Ed25519 device key");
  }
  Bytes raw(32);
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &size) != 1 || size != raw.size()) {
    ERR_clear_error();
    return fail(Errc::parse, std::string(where) + ": cannot read the Ed25519 key");
  }
  return raw;
}

}  // namespace

Expected<Bytes> ed25519_key_from_pem(std::string_view pem) {
  auto bio = memory_bio(pem);
  openssl::PkeyPtr key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  if (!key)
    return fail(Errc::parse,
                "the key file is not a PEM public key (\"-----BEGIN PUBLIC KEY-----\")");
  return raw_ed25519(key.get(), "the key file");
}

Expected<CertifiedKey> ed25519_key_from_certificate(std::string_view pem) {
  auto bio = memory_bio(pem);
  openssl::X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  if (!cert) return fail(Errc::parse, "the certificate file is not a PEM X.509 certificate");
  openssl::PkeyPtr key(X509_get_pubkey(cert.get()));
  if (!key) {
    ERR_clear_error();
    return fail(Errc::parse, "the certificate's public key cannot be read");
  }
  auto raw = raw_ed25519(key.get(), "the certificate");
  if (!raw) return std::unexpected(raw.error());
  CertifiedKey out{std::move(*raw), {}};
  X509_NAME* subject = X509_get_subject_name(cert.get());
  int at = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
  if (at >= 0) {
    ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
    unsigned char* utf8 = nullptr;
    int length = ASN1_STRING_to_UTF8(&utf8, cn);
    if (length >= 0)
      out.common_name.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
  }
  return out;
}

}  // namespace shubbak
