// An admin's signing key: a PEM private key file with mode 0600 that never leaves the admin's
// machine. The public half and the TUF key id are derived from it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"
#include "kiosk/crypto/signature.hpp"

namespace shubbak::repo {

struct SigningKey {
  KeyScheme scheme;
  std::string private_pem;
  PublicKey public_key;
  std::string keyid;  // sha256 of the canonical JSON of the public key, as TUF tools compute it
};

// The metadata form of a public key: {"keytype", "scheme", "keyval": {"public"}}.
nlohmann::json public_key_json(const PublicKey& key);
std::string key_id(const PublicKey& key);

Expected<SigningKey> signing_key_from_pem(std::string private_pem);

// Creates a new key file (refuses to overwrite) readable by its owner only.
Expected<SigningKey> create_key_file(const std::filesystem::path& path, KeyScheme scheme);
// Loads a key file; refuses one that group or others can read.
Expected<SigningKey> load_key_file(const std::filesystem::path& path);
// Every *.pem in a directory.
Expected<std::vector<SigningKey>> load_key_dir(const std::filesystem::path& dir);

}  // namespace shubbak::repo
