// Ed25519 public keys as people hand them around: a PEM "PUBLIC KEY" (DeviceKey::public_key_pem)
// or an X.509 certificate for the key. Used to check signatures made by a kiosk's device key
// away from the kiosk (receipt seals at a counter or in the back office).
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

// The 32 raw bytes of the Ed25519 key in a PEM SubjectPublicKeyInfo. Errc::parse for text that
// is not one; Errc::unsupported for another kind of key.
Expected<Bytes> ed25519_key_from_pem(std::string_view pem);

struct CertifiedKey {
  Bytes public_key;         // 32 raw bytes
  std::string common_name;  // the subject's CN: a kiosk certificate names its kiosk id
};

// The first certificate in `pem` (the leaf of a chain): its Ed25519 key and subject CN. The
// certificate's own issuer is not checked here: whoever passes it trusts it, as with a key.
Expected<CertifiedKey> ed25519_key_from_certificate(std::string_view pem);

}  // namespace shubbak
