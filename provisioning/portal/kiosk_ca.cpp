#include "provisioning/portal/kiosk_ca.hpp"

#include <array>
#include <cstdio>
#include <mutex>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kiosk/crypto/certificate_groups.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak::portal {

namespace {

using openssl::BioPtr;
using openssl::BnPtr;
using openssl::X509Ptr;
using openssl::X509ReqPtr;
using NamePtr = openssl::X509NamePtr;
using KeyPtr = openssl::PkeyPtr;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr open_file(const std::filesystem::path& path) {
  return FilePtr(std::fopen(path.c_str(), "rb"));
}

std::string to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string common_name(X509_NAME* name) {
  int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  // More than one CN is ambiguous: refuse rather than pick one.
  if (X509_NAME_get_index_by_NID(name, NID_commonName, index) >= 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return {};
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return cn;
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

}  // namespace

struct KioskCa::Impl {
  X509Ptr cert;
  KeyPtr key;
  std::string cert_pem;
  std::mutex mutex;
};

KioskCa::KioskCa(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
KioskCa::~KioskCa() = default;

Expected<std::unique_ptr<KioskCa>> KioskCa::open(const std::filesystem::path& cert_path,
                                                 const std::filesystem::path& key_path) {
  auto impl = std::make_unique<Impl>();
  FilePtr cert_file = open_file(cert_path);
  if (!cert_file)
    return fail_errno(Errc::config, "cannot read kiosk CA " + cert_path.string(), errno);
  impl->cert.reset(PEM_read_X509(cert_file.get(), nullptr, nullptr, nullptr));
  if (!impl->cert) return fail(Errc::config, cert_path.string() + " is not a PEM certificate");
  FilePtr key_file = open_file(key_path);
  if (!key_file)
    return fail_errno(Errc::config, "cannot read kiosk CA key " + key_path.string(), errno);
  impl->key.reset(PEM_read_PrivateKey(key_file.get(), nullptr, nullptr, nullptr));
  if (!impl->key) return fail(Errc::config, key_path.string() + " is not a PEM private key");
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1)
    return fail(Errc::config, "the kiosk CA key does not belong to its certificate");
  impl->cert_pem = to_pem(impl->cert.get());
  return std::unique_ptr<KioskCa>(new KioskCa(std::move(impl)));
}

Expected<std::string> KioskCa::issue(std::string_view csr_pem, std::string_view kiosk_id,
                                     const std::vector<std::string>& groups,
                                     std::chrono::hours lifetime) {
  BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
  X509ReqPtr csr(bio ? PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!csr) return fail(Errc::integrity, "csr_pem is not a PEM certificate request");
  KeyPtr subject_key(X509_REQ_get_pubkey(csr.get()));
  if (!subject_key || X509_REQ_verify(csr.get(), subject_key.get()) != 1)
    return fail(Errc::integrity, "the certificate request's signature does not verify");
  std::string cn = common_name(X509_REQ_get_subject_name(csr.get()));
  if (cn != kiosk_id) {
    return fail(
        Errc::integrity,
        fmt::format("the certificate request is for \"{}\", the token for \"{}\"", cn, kiosk_id));
  }

  std::lock_guard lock(m_impl->mutex);
  X509Ptr cert(X509_new());
  if (!cert) return fail(Errc::internal, "X509_new failed");
  X509_set_version(cert.get(), 2);
  // A random 127-bit serial: unique without a counter to keep (RFC 5280 allows 20 octets).
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), serial.size()) != 1) return fail(Errc::internal, "no randomness");
  serial[0] &= 0x7f;
  BnPtr serial_bn(BN_bin2bn(serial.data(), serial.size(), nullptr));
  if (!serial_bn || !BN_to_ASN1_INTEGER(serial_bn.get(), X509_get_serialNumber(cert.get())))
    return fail(Errc::internal, "cannot set the serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);  // a kiosk clock a little behind
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(lifetime.count()) * 3600);
  // The subject is the portal's, not the CSR's: the CN the token was issued for and one OU per
  // group the token names. A kiosk cannot ask to be in a group by putting an OU in its request.
  NamePtr subject(X509_NAME_new());
  if (!subject) return fail(Errc::internal, "X509_NAME_new failed");
  auto add_entry = [&](int nid, std::string_view value) {
    return X509_NAME_add_entry_by_NID(subject.get(), nid, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  if (!add_entry(NID_commonName, kiosk_id)) return fail(Errc::internal, "cannot set the CN");
  for (const auto& group : groups) {
    if (!add_entry(NID_organizationalUnitName, group))
      return fail(Errc::internal, "cannot add a group to the certificate");
  }
  X509_set_subject_name(cert.get(), subject.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(m_impl->cert.get()));
  X509_set_pubkey(cert.get(), subject_key.get());
  // Only what a kiosk client certificate needs; nothing the CSR asks for is copied.
  bool extended =
      add_extension(cert.get(), m_impl->cert.get(), NID_basic_constraints, "critical,CA:FALSE") &&
      add_extension(cert.get(), m_impl->cert.get(), NID_key_usage, "critical,digitalSignature") &&
      add_extension(cert.get(), m_impl->cert.get(), NID_ext_key_usage, "clientAuth") &&
      // The mark that this CA wrote the subject, groups included (kiosk/core/kiosk_group.hpp).
      add_group_binding_policy(cert.get());
  if (!extended) return fail(Errc::internal, "cannot add certificate extensions");
  if (X509_sign(cert.get(), m_impl->key.get(), EVP_sha256()) <= 0)
    return fail(Errc::internal, "signing the kiosk certificate failed");
  return to_pem(cert.get()) + m_impl->cert_pem;
}

}  // namespace shubbak::portal
