// Signature schemes and digests (kiosk/crypto/signature.hpp, digest.hpp).
#include <doctest/doctest.h>

#include "kiosk/crypto/digest.hpp"
#include "kiosk/crypto/signature.hpp"

namespace {

using namespace shubbak;

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

TEST_CASE("ed25519, ECDSA P-256 and RSA-PSS sign and verify; a changed message does not verify") {
  for (KeyScheme scheme : {KeyScheme::ed25519, KeyScheme::ecdsa_p256, KeyScheme::rsa_pss_sha256}) {
    CAPTURE(scheme_name(scheme));
    Signer signer = make_signer(scheme);
    auto signature = sign_message(scheme, signer.private_pem, "message");
    REQUIRE(signature);
    CHECK(verify_signature(signer.public_key, "message", *signature));
    auto refused = verify_signature(signer.public_key, "messagE", *signature);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == shubbak::Errc::integrity);
    CHECK(private_key_scheme(signer.private_pem) == scheme);
  }
  CHECK(make_signer(KeyScheme::ed25519).public_key.value.size() == 64);  // hex of 32 bytes
}

TEST_CASE("key types from metadata: the ecdsa alias, and unknown schemes refused") {
  CHECK(scheme_from_metadata("ecdsa", "ecdsa-sha2-nistp256") == KeyScheme::ecdsa_p256);
  CHECK(scheme_from_metadata("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") ==
        KeyScheme::ecdsa_p256);
  CHECK(scheme_from_metadata("rsa", "rsassa-pss-sha256") == KeyScheme::rsa_pss_sha256);
  CHECK_FALSE(scheme_from_metadata("rsa", "rsa-pkcs1v15-sha256"));
  CHECK_FALSE(scheme_from_metadata("ed25519", "ecdsa-sha2-nistp256"));
}

TEST_CASE("SHA-256 and SHA-512 known answers") {
  CHECK(*digest_hex("sha256", "abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(digest_hex("sha512", "")->starts_with("cf83e1357eefb8bdf1542850d66d8007"));
  CHECK_FALSE(digest_hex("md5", "abc"));
}
