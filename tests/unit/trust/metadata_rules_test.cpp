// Metadata rules that rest on keys and digests: thresholds, delegated paths, times.
#include <doctest/doctest.h>

#include "kiosk/crypto/digest.hpp"
#include "kiosk/crypto/signature.hpp"
#include "kiosk/trust/metadata.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;

struct Signer {
  KeyScheme scheme;
  std::string private_pem;
  PublicKey public_key;
};

Signer make_signer(KeyScheme scheme) {
  auto pem = generate_private_key(scheme);
  REQUIRE(pem);
  auto key = public_key_of(scheme, *pem);
  REQUIRE(key);
  return {scheme, *pem, *key};
}

}  // namespace

TEST_CASE("a threshold counts each key once; a key id that signs twice is refused outright") {
  Signer a = make_signer(KeyScheme::ed25519);
  Signer b = make_signer(KeyScheme::ed25519);
  Signed meta;
  meta.canonical = R"({"_type":"targets"})";
  auto sig_a = *sign_message(a.scheme, a.private_pem, meta.canonical);
  auto sig_b = *sign_message(b.scheme, b.private_pem, meta.canonical);
  std::map<std::string, PublicKey> keys = {
      {"id-a", a.public_key}, {"id-a2", a.public_key}, {"id-b", b.public_key}};

  RoleKeys two_of_a{{"id-a", "id-a2"}, 2};
  meta.signatures = {{"id-a", sig_a}, {"id-a", sig_a}};
  auto repeated = verify_threshold(keys, two_of_a, meta, "targets");
  REQUIRE_FALSE(repeated);
  CHECK(repeated.error().message ==
        "targets: key id id-a signs more than once (key ids must be unique)");
  // Even where one of the two would be enough: the metadata is malformed, not under-signed.
  RoleKeys one_of_a{{"id-a"}, 1};
  CHECK_FALSE(verify_threshold(keys, one_of_a, meta, "targets"));
  meta.signatures = {{"id-a", sig_a}, {"id-a2", sig_a}};
  CHECK_FALSE(verify_threshold(keys, two_of_a, meta, "targets"));

  RoleKeys two_distinct{{"id-a", "id-b"}, 2};
  meta.signatures = {{"id-a", sig_a}, {"id-b", sig_b}};
  CHECK(verify_threshold(keys, two_distinct, meta, "targets"));
  // A signature by a key outside the role does not count.
  RoleKeys only_b{{"id-b"}, 1};
  meta.signatures = {{"id-a", sig_a}};
  CHECK_FALSE(verify_threshold(keys, only_b, meta, "targets"));
  // A bad signature among good ones is skipped, not fatal.
  RoleKeys one_of_two{{"id-a", "id-b"}, 1};
  meta.signatures = {{"id-a", "garbage"}, {"id-b", sig_b}};
  CHECK(verify_threshold(keys, one_of_two, meta, "targets"));
}

TEST_CASE("delegated path patterns: fnmatch per segment, hash prefixes") {
  DelegatedRole role;
  role.paths = std::vector<std::string>{"services/health/*", "forms/?.json", "a/[bc]/d"};
  CHECK(role.covers("services/health/clinic.json"));
  CHECK_FALSE(role.covers("services/health/deep/clinic.json"));
  CHECK_FALSE(role.covers("services/education/exam.json"));
  CHECK(role.covers("forms/1.json"));
  CHECK_FALSE(role.covers("forms/12.json"));
  CHECK(role.covers("a/c/d"));
  CHECK_FALSE(role.covers("a/e/d"));
  DelegatedRole hashed;
  std::string digest = *digest_hex("sha256", "services/x.json");
  hashed.path_hash_prefixes = std::vector<std::string>{digest.substr(0, 2)};
  CHECK(hashed.covers("services/x.json"));
}

TEST_CASE("UTC times parse strictly") {
  CHECK(parse_utc_time("1970-01-01T00:00:10Z") == 10);
  CHECK(format_utc_time(*parse_utc_time("2030-01-01T00:00:00Z")) == "2030-01-01T00:00:00Z");
  CHECK_FALSE(parse_utc_time("2030-01-01 00:00:00"));
  CHECK_FALSE(parse_utc_time("2030-01-01T00:00:00+01:00"));
  // Fields out of range are refused, not normalized into another day.
  for (const char* text : {"2030-02-31T00:00:00Z", "2030-13-01T00:00:00Z", "2030-00-10T00:00:00Z",
                           "2030-01-01T24:00:00Z", "2030-01-01T00:60:00Z", "+030-01-01T00:00:00Z",
                           "2030-1-001T00:00:00Z"}) {
    CAPTURE(text);
    auto refused = parse_utc_time(text);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find(text) != std::string::npos);
  }
  CHECK(parse_utc_time("2028-02-29T23:59:59Z"));
}
