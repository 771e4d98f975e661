#include "kiosk/crypto/certificate_groups.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

constexpr std::uintmax_t k_max_pem_bytes = 64 * 1024;

// The same rule as trust::valid_group_name; kiosk/crypto sits below kiosk/trust, so it is
// restated here rather than included.
bool group_name(std::string_view name) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return !name.empty() && name.size() <= 63 && lower_or_digit(name.front()) &&
         std::all_of(name.begin(), name.end(), [&](char c) {
           return lower_or_digit(c) || c == '.' || c == '_' || c == ':' || c == '-';
         });
}

std::string entry_text(X509_NAME_ENTRY* entry) {
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return {};
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return text;
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
  if (cn_index < 0 || cn != kiosk_id ||
      X509_NAME_get_index_by_NID(subject, NID_commonName, cn_index) >= 0) {
    return fail(Errc::integrity, fmt::format("{} is for \"{}\", not for kiosk \"{}\"",
                                             cert_file.string(), cn, kiosk_id));
  }
  std::vector<std::string> groups;
  for (int index = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1); index >= 0;
       index = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, index)) {
    std::string group = entry_text(X509_NAME_get_entry(subject, index));
    if (!group_name(group)) {
      return fail(Errc::integrity,
                  fmt::format("{}: OU \"{}\" is not a group name", cert_file.string(), group));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace shubbak
