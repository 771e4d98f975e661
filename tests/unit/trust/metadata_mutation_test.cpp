// Untrusted metadata bytes, mangled: thousands of deterministic mutations of real signed
// metadata must each parse or be refused with an error, never crash, hang or be accepted as
// validly signed unless the signed bytes are untouched.
#include <doctest/doctest.h>

#include <random>

#include "kiosk/core/hex.hpp"
#include "kiosk/trust/metadata.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;

struct Signer {
  KeyScheme scheme = KeyScheme::ed25519;
  std::string pem;
  PublicKey key;
};

std::string signed_targets(const Signer& signer) {
  nlohmann::json body;
  body["_type"] = "targets";
  body["spec_version"] = "1.0.31";
  body["version"] = 7;
  body["expires"] = "2030-01-01T00:00:00Z";
  body["targets"]["services/a.json"]["length"] = 12;
  body["targets"]["services/a.json"]["hashes"]["sha256"] = std::string(64, 'a');
  nlohmann::json health;
  health["name"] = "health";
  health["keyids"] = nlohmann::json::array();
  health["threshold"] = 1;
  health["paths"] = nlohmann::json::array({"services/health/*"});
  health["terminating"] = true;
  body["delegations"]["keys"] = nlohmann::json::object();
  body["delegations"]["roles"] = nlohmann::json::array({health});
  std::string message = body.dump();  // ASCII with sorted keys: already canonical here
  auto signature = sign_message(signer.scheme, signer.pem, message);
  REQUIRE(signature);
  nlohmann::json signature_entry;
  signature_entry["keyid"] = "k";
  signature_entry["sig"] = to_hex(*signature);
  nlohmann::json envelope;
  envelope["signed"] = body;
  envelope["signatures"] = nlohmann::json::array({signature_entry});
  return envelope.dump();
}

}  // namespace

TEST_CASE("mutated metadata never crashes the parser and never passes the signature check") {
  Signer signer;
  signer.pem = *generate_private_key(signer.scheme);
  signer.key = *public_key_of(signer.scheme, signer.pem);
  std::string original = signed_targets(signer);
  std::map<std::string, PublicKey> keys = {{"k", signer.key}};
  RoleKeys role{{"k"}, 1};

  auto valid = parse_targets(original, "targets");
  REQUIRE(valid);
  REQUIRE(verify_threshold(keys, role, valid->meta, "targets"));

  std::mt19937 random(20261121);
  const std::string alphabet = "{}[]\":,0123456789-.eE \\tnfu/aZ\x80\xff";
  int parsed = 0, verified = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = original;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      std::size_t at = random() % bytes.size();
      switch (random() % 3) {
        case 0:
          bytes[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          bytes.erase(at, 1 + random() % 8);
          break;
        default:
          bytes.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
      }
    }
    auto result = parse_targets(bytes, "targets");
    if (!result) {
      CHECK(result.error().message.starts_with("targets metadata: "));
      continue;
    }
    ++parsed;
    if (verify_threshold(keys, role, result->meta, "targets")) {
      ++verified;
      // Only a mutation outside the signed part (or one JSON reads the same) can still verify.
      CHECK(result->meta.canonical == valid->meta.canonical);
    }
  }
  CHECK(parsed > 0);  // some mutations keep valid JSON: the signature check is exercised
  MESSAGE("parsed " << parsed << ", verified " << verified << " of 3000 mutations");
}
