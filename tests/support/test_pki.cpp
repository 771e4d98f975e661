#include "tests/support/test_pki.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kiosk/crypto/certificate_groups.hpp"

namespace shubbak::testing {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

EVP_PKEY* new_ec_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "EC key generation");
  return key;
}

void write_key(EVP_PKEY* key, const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr, "opening key file");
  ::chmod(path.c_str(), 0600);
  bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  check(ok, "writing key");
}

void write_cert(X509* cert, const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr, "opening certificate file");
  bool ok = PEM_write_X509(f, cert) == 1;
  std::fclose(f);
  check(ok, "writing certificate");
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "making an extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509Ptr make_cert(EVP_PKEY* subject_key, const std::string& cn, long serial,
                  std::chrono::hours not_before, std::chrono::hours not_after) {
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count()) * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count()) * 3600);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

struct TestPki::Key {
  Key(EVP_PKEY* k, X509* c) : key(k), cert(c) {}
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  EVP_PKEY* key;
  X509* cert;
  ~Key() {
    EVP_PKEY_free(key);
    X509_free(cert);
  }
};

TestPki::TestPki(std::filesystem::path dir, std::string name)
    : m_dir(std::move(dir)), m_name(std::move(name)) {
  EVP_PKEY* key = new_ec_key();
  X509Ptr cert = make_cert(key, m_name, 1, std::chrono::hours(-1), std::chrono::hours(24 * 30));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(cert.get(), key, EVP_sha256()) > 0, "signing the CA");
  m_ca = {m_dir / (m_name + "-ca.pem"), m_dir / (m_name + "-ca.key")};
  write_cert(cert.get(), m_ca.cert);
  write_key(key, m_ca.key);
  m_ca_key = std::make_unique<Key>(key, cert.release());
}

TestPki::~TestPki() = default;

CertFiles TestPki::issue_server(const std::string& file_stem) {
  EVP_PKEY* key = new_ec_key();
  X509Ptr cert =
      make_cert(key, "localhost", m_next_serial++, std::chrono::hours(-1), std::chrono::hours(24));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(m_ca_key->cert));
  add_extension(cert.get(), m_ca_key->cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), m_ca_key->cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  add_extension(cert.get(), m_ca_key->cert, NID_ext_key_usage, "serverAuth");
  check(X509_sign(cert.get(), m_ca_key->key, EVP_sha256()) > 0, "signing the server certificate");
  CertFiles files{m_dir / (file_stem + ".pem"), m_dir / (file_stem + ".key")};
  write_cert(cert.get(), files.cert);
  write_key(key, files.key);
  EVP_PKEY_free(key);
  return files;
}

CertFiles TestPki::issue_client(const std::string& file_stem, const std::string& common_name,
                                std::chrono::hours not_before, std::chrono::hours not_after,
                                const std::vector<std::string>& organizational_units) {
  EVP_PKEY* key = new_ec_key();
  X509Ptr cert = make_cert(key, common_name, m_next_serial++, not_before, not_after);
  for (const auto& unit : organizational_units) {
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "OU", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(unit.c_str()), -1, -1, 0);
  }
  X509_set_issuer_name(cert.get(), X509_get_subject_name(m_ca_key->cert));
  add_extension(cert.get(), m_ca_key->cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), m_ca_key->cert, NID_ext_key_usage, "clientAuth");
  // With groups, the test CA marks them bound as the portal's kiosk CA does.
  if (!organizational_units.empty())
    check(add_group_binding_policy(cert.get()).has_value(), "marking the groups bound");
  check(X509_sign(cert.get(), m_ca_key->key, EVP_sha256()) > 0, "signing the client certificate");
  CertFiles files{m_dir / (file_stem + ".pem"), m_dir / (file_stem + ".key")};
  write_cert(cert.get(), files.cert);
  write_key(key, files.key);
  EVP_PKEY_free(key);
  return files;
}

}  // namespace shubbak::testing
