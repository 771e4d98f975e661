#include "kiosk/crypto/certificate_groups.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/kiosk_group.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

constexpr std::uintmax_t k_max_pem_bytes = 64 * 1024;

std::string entry_text(X509_NAME_ENTRY* entry) {
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return {};
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

// Whether `certificate` carries the portal CA's group binding policy.
bool has_binding_policy(X509* certificate) {
  auto* policies = static_cast<CERTIFICATEPOLICIES*>(
      X509_get_ext_d2i(certificate, NID_certificate_policies, nullptr, nullptr));
  if (policies == nullptr) return false;
  bool found = false;
  for (int i = 0; i < sk_POLICYINFO_num(policies) && !found; ++i) {
    char oid[128];
    int length = OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies, i)->policyid, 1);
    found = length > 0 && static_cast<std::size_t>(length) < sizeof oid &&
            std::string_view(oid, static_cast<std::size_t>(length)) == k_group_binding_policy;
  }
  CERTIFICATEPOLICIES_free(policies);
  return found;
}

}  // namespace

Expected<std::vector<std::string>> read_certificate_groups(const std::filesystem::path& cert_file,
                                                           const std::filesystem::path& key_file,
                                                           std::string_view kiosk_id) {
  auto cert_pem = read_whole_file(cert_file, k_max_pem_bytes);
  if (!cert_pem) return std::unexpected(cert_pem.error());
  auto key_pem = read_whole_file(key_file, k_max_pem_bytes);
  if (!key_pem) return std::unexpected(key_pem.error());
  openssl::BioPtr cert_bio(BIO_new_mem_buf(cert_pem->data(), static_cast<int>(cert_pem->size())));
  openssl::X509Ptr cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)
                                 : nullptr);
  if (!cert)
    return fail(Errc::integrity, fmt::format("{}: no PEM certificate", cert_file.string()));
  openssl::BioPtr key_bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
  openssl::PkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                               : nullptr);
  if (!key) return fail(Errc::integrity, fmt::format("{}: no PEM private key", key_file.string()));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return fail(Errc::integrity, fmt::format("{} is not the certificate of the key in {}",
                                             cert_file.string(), key_file.string()));
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  int cn_index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  std::string cn =
      cn_index < 0 ? std::string() : entry_text(X509_NAME_get_entry(subject, cn_index));
  if (cn_index < 0 || cn != kiosk_id || cn.find('\0') != std::string::npos ||
      X509_NAME_get_index_by_NID(subject, NID_commonName, cn_index) >= 0) {
    return fail(Errc::integrity, fmt::format("{} is for \"{}\", not for kiosk \"{}\"",
                                             cert_file.string(), cn, kiosk_id));
  }
  auto groups = certificate_bound_groups(cert.get());
  if (!groups)
    return fail(Errc::integrity, fmt::format("{}: {}", cert_file.string(), groups.error().message));
  return groups;
}

Expected<void> add_group_binding_policy(X509* certificate) {
  // Built by hand: OpenSSL's text form of certificatePolicies wants a configuration database.
  CERTIFICATEPOLICIES* policies = sk_POLICYINFO_new_null();
  POLICYINFO* info = POLICYINFO_new();
  bool made = policies != nullptr && info != nullptr;
  if (made) {
    ASN1_OBJECT_free(info->policyid);
    info->policyid = OBJ_txt2obj(std::string(k_group_binding_policy).c_str(), 1);
    made = info->policyid != nullptr && sk_POLICYINFO_push(policies, info) > 0;
    if (made) info = nullptr;  // the stack owns it now
  }
  made = made && X509_add1_ext_i2d(certificate, NID_certificate_policies, policies, 0,
                                   X509V3_ADD_REPLACE) == 1;
  POLICYINFO_free(info);
  sk_POLICYINFO_pop_free(policies, POLICYINFO_free);
  if (!made) return fail(Errc::internal, "cannot add the group binding policy");
  return {};
}

Expected<std::vector<std::string>> certificate_bound_groups(X509* certificate) {
  X509_NAME* subject = X509_get_subject_name(certificate);
  std::vector<std::string> groups;
  for (int index = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1); index >= 0;
       index = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, index)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    // Group names are ASCII; the bytes are compared as they are, never converted.
    groups.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                        static_cast<std::size_t>(ASN1_STRING_length(data)));
  }
  if (groups.empty()) return groups;
  if (!has_binding_policy(certificate))
    return fail(Errc::integrity,
                "its OUs were not written by the portal's kiosk CA (no group binding policy: a "
                "certificate from before groups were bound); enrol the kiosk again");
  // The one rule for group names (kiosk/core/kiosk_group.hpp): a certificate that breaks it is
  // refused whole rather than trusted in part.
  if (auto ok = check_group_names(groups); !ok) return fail(Errc::integrity, ok.error().message);
  return groups;
}

}  // namespace shubbak
