// Hashes and signatures for TUF metadata and targets. The OpenSSL backend (crypto_openssl.cpp)
// is the only file that includes OpenSSL headers.
//
// Key encodings are the ones TUF tooling writes: ed25519 public keys as 64 hex digits of the
// raw key; ecdsa-sha2-nistp256 and rsassa-pss-sha256 public keys as PEM SubjectPublicKeyInfo.
// Signatures are hex: raw 64 bytes for ed25519, DER for ECDSA, PSS (MGF1-SHA256) for RSA.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak::trust {

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

std::string hex_encode(std::string_view bytes);
Expected<std::string> hex_decode(std::string_view hex);

// Hash algorithms TUF names in "hashes": "sha256", "sha512".
bool hash_algorithm_supported(std::string_view name);
Expected<std::string> digest_hex(std::string_view algorithm, std::string_view data);

// Hashes a file once with every algorithm named, streaming it in large blocks; also returns
// its length. Reads at most `max_length` + 1 bytes so an oversized file is noticed cheaply.
struct FileDigests {
  std::uint64_t length = 0;
  std::map<std::string, std::string> hex;  // algorithm -> lower-case hex digest
};
Expected<FileDigests> digest_file(const std::filesystem::path& path,
                                  const std::vector<std::string>& algorithms,
                                  std::uint64_t max_length);

// Signing, for the admin tools: private keys are PKCS#8 PEM text.
Expected<std::string> generate_private_key(KeyScheme scheme);
// Which scheme a PEM private key is for (ed25519, P-256 ECDSA or RSA).
Expected<KeyScheme> private_key_scheme(std::string_view private_pem);
Expected<PublicKey> public_key_of(KeyScheme scheme, std::string_view private_pem);
Expected<std::string> sign_message(KeyScheme scheme, std::string_view private_pem,
                                   std::string_view message);

}  // namespace shubbak::trust
