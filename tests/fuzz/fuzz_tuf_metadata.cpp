// Fuzz target: TUF metadata from a repository, a mirror or a USB stick, parsed and verified as
// the kiosk does (kiosk/trust: metadata.cpp, trusted_set.cpp, canonical_json.cpp).
//
// The first byte picks the mode; the rest is the payload:
//   0-3  the payload as root, timestamp, snapshot or targets metadata bytes: parse only;
//   4    the payload as a trusted root (parse and its own signature threshold);
//   5-9  the payload as the "signed" body of root v2, the timestamp, the snapshot, targets or
//        the delegated role "health", signed here with the fuzz world's one key and fed to a
//        TrustedSet holding that world. Mutations then get past the signature check and reach
//        the version, expiry, rollback, mix-and-match and delegation rules, as they would for
//        an attacker holding a key.
// Invariants: no crash or sanitizer report; every refusal names the role it concerns; what
// parses has a canonical form that canonicalizes to itself.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kiosk/core/hex.hpp"
#include "kiosk/trust/canonical_json.hpp"
#include "kiosk/trust/trusted_set.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;
using Json = nlohmann::json;

void require(bool ok) {
  if (!ok) std::abort();
}

// The world every mode 5-9 input is checked against: one ed25519 key for every role, made
// once per run (the inputs are unsigned bodies, so the key itself never needs to be fixed).
struct World {
  std::string private_pem;
  std::string keyid = "fuzz-key";
  Json key_json;
  std::string root, timestamp, snapshot, targets;

  std::string sign(const Json& body) const {
    auto canonical = canonical_json(body);
    if (!canonical) return {};
    auto signature = sign_message(KeyScheme::ed25519, private_pem, *canonical);
    require(signature.has_value());
    Json envelope;
    envelope["signed"] = body;
    envelope["signatures"] = Json::array({{{"keyid", keyid}, {"sig", to_hex(*signature)}}});
    return envelope.dump();
  }
};

Json role(const std::string& keyid) {
  return {{"keyids", Json::array({keyid})}, {"threshold", 1}};
}

const World& world() {
  static const World made = [] {
    World w;
    auto pem = generate_private_key(KeyScheme::ed25519);
    require(pem.has_value());
    w.private_pem = *pem;
    auto key = public_key_of(KeyScheme::ed25519, w.private_pem);
    require(key.has_value());
    w.key_json = {
        {"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", key->value}}}};
    const std::string expires = "2100-01-01T00:00:00Z";
    Json root = {{"_type", "root"},
                 {"spec_version", "1.0.31"},
                 {"version", 1},
                 {"expires", expires},
                 {"consistent_snapshot", true},
                 {"keys", {{w.keyid, w.key_json}}},
                 {"roles",
                  {{"root", role(w.keyid)},
                   {"timestamp", role(w.keyid)},
                   {"snapshot", role(w.keyid)},
                   {"targets", role(w.keyid)}}}};
    w.root = w.sign(root);
    w.timestamp = w.sign({{"_type", "timestamp"},
                          {"spec_version", "1.0.31"},
                          {"version", 1},
                          {"expires", expires},
                          {"meta", {{"snapshot.json", {{"version", 1}}}}}});
    w.snapshot =
        w.sign({{"_type", "snapshot"},
                {"spec_version", "1.0.31"},
                {"version", 1},
                {"expires", expires},
                {"meta", {{"targets.json", {{"version", 1}}}, {"health.json", {{"version", 1}}}}}});
    Json health = {{"name", "health"},
                   {"keyids", Json::array({w.keyid})},
                   {"threshold", 1},
                   {"paths", Json::array({"services/health/*"})},
                   {"terminating", false}};
    w.targets = w.sign(
        {{"_type", "targets"},
         {"spec_version", "1.0.31"},
         {"version", 1},
         {"expires", expires},
         {"targets", Json::object()},
         {"delegations", {{"keys", {{w.keyid, w.key_json}}}, {"roles", Json::array({health})}}}});
    return w;
  }();
  return made;
}

// A refusal names the role it concerns (the message starts with it), whatever went wrong.
void check_refusal(const Error& error, std::string_view role) {
  require(!error.message.empty());
  require(error.code != Errc::internal);
  require(std::string_view(error.message).starts_with(role));
}

template <class Parsed>
void check_parsed(const Expected<Parsed>& parsed, std::string_view role) {
  if (!parsed) {
    check_refusal(parsed.error(), role);
    return;
  }
  // The signed bytes are canonical: canonicalizing them again changes nothing.
  Json again = Json::parse(parsed->meta.canonical, nullptr, false);
  if (again.is_discarded()) return;  // raw control characters: canonical form, not JSON
  auto canonical = canonical_json(again);
  require(canonical.has_value() && *canonical == parsed->meta.canonical);
}

void verify_signed_body(std::uint8_t step, std::string_view payload) {
  const World& w = world();
  Json body = Json::parse(payload, nullptr, false);
  if (body.is_discarded()) return;
  std::string bytes = w.sign(body);
  if (bytes.empty()) return;  // no canonical form (a float): refused by the parser too
  auto trusted = TrustedSet::from_trusted_root(w.root, 1'700'000'000);
  require(trusted.has_value());
  switch (step % 5) {
    case 0:
      if (auto done = trusted->update_root(bytes); !done) check_refusal(done.error(), "root");
      return;
    case 1:
      if (auto done = trusted->update_timestamp(bytes); !done)
        check_refusal(done.error(), "timestamp");
      return;
    default:
      break;
  }
  require(trusted->update_timestamp(w.timestamp).has_value());
  if (step % 5 == 2) {
    // From the local store, so the hash check against the timestamp does not stop the input.
    if (auto done = trusted->update_snapshot(bytes, true); !done)
      check_refusal(done.error(), "snapshot");
    return;
  }
  require(trusted->update_snapshot(w.snapshot, false).has_value());
  if (step % 5 == 3) {
    if (auto done = trusted->update_targets(bytes, "targets", "root"); !done) {
      check_refusal(done.error(), "targets");
    } else {
      auto via = trusted->targets_via("targets", "root");
      require(via.has_value() && *via != nullptr);
    }
    return;
  }
  require(trusted->update_targets(w.targets, "targets", "root").has_value());
  if (auto done = trusted->update_targets(bytes, "health", "targets"); !done) {
    check_refusal(done.error(), "health");
  } else {
    auto via = trusted->targets_via("health", "targets");
    require(via.has_value() && *via != nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t mode = data[0] % 10;
  std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (mode) {
    case 0:
      check_parsed(parse_root(payload), "root");
      break;
    case 1:
      check_parsed(parse_timestamp(payload), "timestamp");
      break;
    case 2:
      check_parsed(parse_snapshot(payload), "snapshot");
      break;
    case 3:
      check_parsed(parse_targets(payload, "health"), "health");
      break;
    case 4:
      if (auto trusted = TrustedSet::from_trusted_root(payload, 0); !trusted) {
        check_refusal(trusted.error(), "root");
      }
      break;
    default:
      verify_signed_body(static_cast<std::uint8_t>(mode - 5), payload);
      break;
  }
  return 0;
}
