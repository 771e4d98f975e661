// Signatures of TUF metadata (and the admin tools' signing keys) in the three schemes TUF
// names; the digests are digest.hpp. OpenSSL stays in signature.cpp.
//
// Key encodings are the ones TUF tooling writes: ed25519 public keys as 64 hex digits of the
// raw key; ecdsa-sha2-nistp256 and rsassa-pss-sha256 public keys as PEM SubjectPublicKeyInfo.
// Signatures are hex: raw 64 bytes for ed25519, DER for ECDSA, PSS (MGF1-SHA256) for RSA.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

enum class KeyScheme { ed25519, ecdsa_p256, rsa_pss_sha256 };

// From the metadata's "keytype" and "scheme" fields; "ecdsa" and "ecdsa-sha2-nistp256" are both
// accepted as key types for the ECDSA scheme, as the specification allows.
Expected<KeyScheme> scheme_from_metadata(std::string_view keytype, std::string_view scheme);
std::string_view keytype_name(KeyScheme scheme);
std::string_view scheme_name(KeyScheme scheme);

struct PublicKey {
  KeyScheme scheme;
  std::string value;  // "keyval.public" exactly as in the metadata
};

// Verifies `signature` (raw bytes) over `message`. Fails with Errc::integrity when it does not
// verify, or Errc::parse when the key itself cannot be read.
Expected<void> verify_signature(const PublicKey& key, std::string_view message,
                                std::string_view signature);

// Signing, for the admin tools: private keys are PKCS#8 PEM text.
Expected<std::string> generate_private_key(KeyScheme scheme);
// Which scheme a PEM private key is for (ed25519, P-256 ECDSA or RSA).
Expected<KeyScheme> private_key_scheme(std::string_view private_pem);
Expected<PublicKey> public_key_of(KeyScheme scheme, std::string_view private_pem);
Expected<std::string> sign_message(KeyScheme scheme, std::string_view private_pem,
                                   std::string_view message);

}  // namespace shubbak
