// Kiosk groups bound in certificates: the portal's kiosk CA writes the subject itself (the CN the
// token was issued for and one OU per group), so a kiosk cannot put itself in a group through its
// certificate request; and the portal reads groups back only from a certificate whose every OU
// is a valid group name.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "provisioning/portal/kiosk_ca.hpp"
#include "provisioning/portal/tls_connection.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

struct Freer {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_REQ* p) const { X509_REQ_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Freer>;

void add(X509_NAME* name, int nid, const std::string& value) {
  REQUIRE(X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), -1, 0) == 1);
}

// A certificate request for CN=`cn` that also asks for the OUs `asked`.
std::string request_with_units(const std::string& cn, const std::vector<std::string>& asked) {
  Owned<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  REQUIRE(key);
  Owned<X509_REQ> request(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(request.get());
  add(name, NID_commonName, cn);
  for (const auto& unit : asked) add(name, NID_organizationalUnitName, unit);
  REQUIRE(X509_REQ_set_pubkey(request.get(), key.get()) == 1);
  REQUIRE(X509_REQ_sign(request.get(), key.get(), EVP_sha256()) > 0);
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  REQUIRE(PEM_write_bio_X509_REQ(out.get(), request.get()) == 1);
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Owned<X509> first_certificate(const std::string& chain) {
  Owned<BIO> in(BIO_new_mem_buf(chain.data(), static_cast<int>(chain.size())));
  return Owned<X509>(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
}

std::vector<std::string> units_of(X509* cert) {
  std::vector<std::string> units;
  X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    units.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                       static_cast<std::size_t>(ASN1_STRING_length(data)));
  }
  return units;
}

}  // namespace

TEST_CASE("the kiosk CA binds the token's groups, never the ones a request asks for") {
  TempDir dir;
  TestPki pki(dir.path(), "groups-test");
  auto ca = portal::KioskCa::open(pki.ca_cert(), pki.ca_key());
  REQUIRE(ca);
  std::string request = request_with_units("kiosk-1", {"pilot", "site:elsewhere"});
  auto chain = (*ca)->issue(request, "kiosk-1", {"site:riyadh-olaya", "region:riyadh"},
                            std::chrono::hours(24));
  REQUIRE(chain);
  auto cert = first_certificate(*chain);
  REQUIRE(cert);
  CHECK(units_of(cert.get()) == std::vector<std::string>{"site:riyadh-olaya", "region:riyadh"});
  CHECK(portal::single_common_name(cert.get()) == "kiosk-1");
  CHECK(portal::certificate_groups(cert.get()) ==
        std::vector<std::string>{"site:riyadh-olaya", "region:riyadh"});

  // No groups: no OU at all.
  auto plain = (*ca)->issue(request, "kiosk-1", {}, std::chrono::hours(24));
  REQUIRE(plain);
  auto plain_cert = first_certificate(*plain);
  CHECK(units_of(plain_cert.get()).empty());
  CHECK(portal::certificate_groups(plain_cert.get()).empty());

  // A certificate whose OUs this CA did not write (no group binding policy: issued before
  // groups were bound, when a request's subject was copied) puts its kiosk in no group.
  Owned<X509> older(X509_dup(cert.get()));
  int policy = X509_get_ext_by_NID(older.get(), NID_certificate_policies, -1);
  REQUIRE(policy >= 0);
  X509_EXTENSION_free(X509_delete_ext(older.get(), policy));
  CHECK(units_of(older.get()).size() == 2);
  CHECK(portal::certificate_groups(older.get()).empty());

  // A certificate from elsewhere with an OU that is not a group name puts its kiosk in no
  // group at all, not in the valid ones beside it.
  Owned<X509> odd(X509_dup(cert.get()));
  X509_NAME* subject = X509_get_subject_name(odd.get());
  add(subject, NID_organizationalUnitName, "Engineering Dept");
  CHECK(portal::certificate_groups(odd.get()).empty());
}
