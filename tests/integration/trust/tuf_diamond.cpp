#include "tests/integration/trust/tuf_diamond.hpp"

#include <algorithm>
#include <stdexcept>

namespace shubbak::testing {

using Json = nlohmann::json;

namespace {

Json& signed_part(TufWorld& world, const std::string& role) {
  auto part = world.repo().signed_part(role);
  if (!part) throw std::runtime_error(role + ": " + part.error().describe());
  return **part;
}

const Json& delegation(const Json& delegator, const std::string& role) {
  for (const auto& delegated : delegator["delegations"]["roles"]) {
    if (delegated["name"] == role) return delegated;
  }
  throw std::runtime_error("no delegation to " + role);
}

void require(Expected<void> done, const char* what) {
  if (!done) throw std::runtime_error(std::string(what) + ": " + done.error().describe());
}

}  // namespace

Diamond make_diamond(TufWorld& world, bool signed_for_both) {
  auto& repo = world.repo();
  require(repo.delegate({"a", "targets", {"services/a/*"}, {1, 1}, false, KeyScheme::ed25519}),
          "delegate a");
  require(repo.delegate({"b", "targets", {"services/b/*"}, {1, 1}, false, KeyScheme::ed25519}),
          "delegate b");
  require(repo.delegate({"shared", "a", {"services/a/*"}, {1, 1}, false, KeyScheme::ed25519}),
          "delegate shared from a");
  Diamond diamond;
  diamond.a_key_for_shared = delegation(signed_part(world, "a"), "shared")["keyids"][0];

  // The repository tool refuses a second delegation to an existing role, so b's is written by
  // hand: b delegates "shared" to b's own key (its public key is in targets' delegations).
  const Json& targets = signed_part(world, "targets");
  diamond.b_key_for_shared = delegation(targets, "b")["keyids"][0];
  Json& b = signed_part(world, "b");
  b["delegations"]["keys"][diamond.b_key_for_shared] =
      targets["delegations"]["keys"][diamond.b_key_for_shared];
  Json keyids = Json::array({diamond.b_key_for_shared});
  if (signed_for_both) {
    keyids.push_back(diamond.a_key_for_shared);
    b["delegations"]["keys"][diamond.a_key_for_shared] =
        signed_part(world, "a")["delegations"]["keys"][diamond.a_key_for_shared];
  }
  b["delegations"]["roles"].push_back({{"name", "shared"},
                                       {"keyids", keyids},
                                       {"threshold", 1},
                                       {"paths", Json::array({"services/b/*"})},
                                       {"terminating", false}});
  repo.mark_changed("b");
  world.commit_and_publish();
  world.add_target(k_diamond_path_b, "ok, from shared as b trusts it", "shared");
  world.add_target(k_diamond_path_a, "evil: shared is not trusted by a for this", "shared");

  // The repository signs "shared" with the keys of the first delegator it finds (b): check it,
  // so a change there fails here rather than silently testing nothing.
  Json published = Json::parse(world.published_metadata(
      std::to_string(signed_part(world, "shared")["version"].get<int>()) + ".shared.json"));
  std::vector<std::string> signers;
  for (const auto& signature : published["signatures"]) signers.push_back(signature["keyid"]);
  bool by_b = std::find(signers.begin(), signers.end(), diamond.b_key_for_shared) != signers.end();
  bool by_a = std::find(signers.begin(), signers.end(), diamond.a_key_for_shared) != signers.end();
  if (!by_b || by_a != signed_for_both)
    throw std::runtime_error("the repository did not sign \"shared\" as the diamond test expects");
  return diamond;
}

}  // namespace shubbak::testing
