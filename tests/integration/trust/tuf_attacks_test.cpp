// The TUF client against attacks, over real HTTP on loopback, with repositories built by the
// shubbakctl repository library. Every attack must be refused with an error that names the
// role and the reason, and the trusted metadata on disk must stay as it was.
#include <doctest/doctest.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/crypto/digest.hpp"
#include "tests/integration/trust/tuf_diamond.hpp"
#include "tests/integration/trust/tuf_world.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr trust::UnixSeconds k_day = 86400;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::uint64_t client_version(const TufWorld& world, const std::string& role) {
  return Json::parse(world.client_file(role + ".json"))["signed"]["version"].get<std::uint64_t>();
}

}  // namespace

TEST_CASE("a clean repository refreshes, resolves and downloads, then serves the cached copy") {
  TufWorld world;
  world.add_target("services/passport.json", R"({"id":"passport","version":"1"})");
  auto client = world.updater();
  REQUIRE(client->refresh());
  CHECK(world.client_file("timestamp.json") == world.published_metadata("timestamp.json"));
  auto found = client->find_target("services/passport.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  fs::path file = world.root() / "passport.json";
  REQUIRE(client->download_target(**found, file));
  CHECK(*read_whole_file(file, 1024) == R"({"id":"passport","version":"1"})");
  CHECK(client->is_cached(**found, file));
  // Consistent snapshots: versioned metadata names and hash-prefixed target names were fetched.
  auto requests = world.server().requests();
  CHECK(std::find(requests.begin(), requests.end(), "/metadata/2.snapshot.json") != requests.end());
  CHECK(std::any_of(requests.begin(), requests.end(), [](const std::string& r) {
    return r.starts_with("/targets/services/") && r.ends_with(".passport.json") && r.size() > 80;
  }));
}

TEST_CASE("rollback of the timestamp is refused and the trusted timestamp stays") {
  TufWorld world;
  std::string old_timestamp = world.published_metadata("timestamp.json");
  world.add_target("services/a.json", "{}");
  REQUIRE(world.refresh() == "");
  std::string trusted = world.client_file("timestamp.json");
  world.server().replace("/metadata/timestamp.json", old_timestamp);
  std::string error = world.refresh();
  CHECK(contains(error,
                 "timestamp: version 1 is older than the trusted version 2 (rollback attack)"));
  CHECK(world.client_file("timestamp.json") == trusted);
}

TEST_CASE("rollback of the snapshot through a timestamp naming an older snapshot is refused") {
  TufWorld world;
  world.add_target("services/a.json", "{}");
  REQUIRE(world.refresh() == "");
  std::string forged =
      world.forge("timestamp", [](Json& t) { t["meta"]["snapshot.json"]["version"] = 1; });
  world.server().replace("/metadata/timestamp.json", forged);
  CHECK(contains(
      world.refresh(),
      "timestamp: it names snapshot version 1, older than the trusted 2 (rollback attack)"));
}

TEST_CASE("rollback of targets through a snapshot that lists an older targets version is refused") {
  TufWorld world;
  world.add_target("services/a.json", "{}");
  REQUIRE(world.refresh() == "");
  // A snapshot (validly signed by a compromised snapshot key) going back to targets v1.
  std::string old_targets_entry;
  std::string snapshot = world.forge("snapshot", [](Json& s) {
    s["meta"]["targets.json"]["version"] = 1;
    s["meta"]["targets.json"].erase("hashes");
    s["meta"]["targets.json"].erase("length");
  });
  std::string timestamp = world.forge("timestamp", [&](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", 3}};
  });
  world.server().replace("/metadata/3.snapshot.json", snapshot);
  world.server().replace("/metadata/timestamp.json", timestamp);
  CHECK(contains(world.refresh(),
                 "snapshot: targets.json goes back from version 2 to 1 (rollback attack)"));
  CHECK(contains(world.client_file("snapshot.json"), "\"version\": 2"));
}

TEST_CASE("a snapshot that drops a role it listed before is refused") {
  TufWorld world;
  world.repo().delegate(
      {"health", "targets", {"services/health/*"}, {1, 1}, false, KeyScheme::ed25519});
  world.commit_and_publish();
  REQUIRE(world.refresh() == "");
  std::string snapshot = world.forge("snapshot", [](Json& s) { s["meta"].erase("health.json"); });
  std::string timestamp = world.forge("timestamp", [&](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", 3}};
  });
  world.server().replace("/metadata/3.snapshot.json", snapshot);
  world.server().replace("/metadata/timestamp.json", timestamp);
  CHECK(
      contains(world.refresh(), "snapshot: the new snapshot drops health.json (rollback attack)"));
}

TEST_CASE("rollback of targets content under the current version name is refused by hash") {
  TufWorld world;
  world.add_target("services/a.json", "{}");
  std::string old_targets = world.published_metadata("1.targets.json");
  world.server().replace("/metadata/2.targets.json", old_targets);
  std::string error = world.refresh();
  CHECK(contains(error, "targets: "));
  CHECK((contains(error, "does not match") || contains(error, "version 1 is not the version 2")));
}

TEST_CASE("a root that claims the next version but is an old one is refused") {
  TufWorld world;
  world.server().replace("/metadata/2.root.json", world.published_metadata("1.root.json"));
  CHECK(contains(world.refresh(), "root: expected version 2, got 1 (rollback or skipped version)"));
}

TEST_CASE("freeze: an expired timestamp, snapshot or targets is refused") {
  for (std::string role : {"timestamp", "snapshot", "targets"}) {
    CAPTURE(role);
    TufWorld world;
    REQUIRE(world.refresh() == "");
    REQUIRE(world.repo().set_expiry(role, trust::system_unix_time() - k_day));
    world.commit_and_publish();
    std::string error = world.refresh();
    CHECK(contains(error, role + ": version 2 expired at"));
    CHECK(contains(error, "freeze attack"));
  }
}

TEST_CASE("freeze: an expired root is refused once the chain is complete") {
  TufWorld world;
  REQUIRE(world.repo().set_expiry("root", trust::system_unix_time() - k_day));
  world.commit_and_publish();
  CHECK(contains(world.refresh(), "root: version 2 expired at"));
}

TEST_CASE("mix-and-match: a snapshot from another version than the timestamp names is refused") {
  TufWorld world;
  world.add_target("services/a.json", "1");
  world.add_target("services/a.json", "2");
  // The timestamp names snapshot 3; the mirror hands out snapshot 2 under that name.
  world.server().replace("/metadata/3.snapshot.json", world.published_metadata("2.snapshot.json"));
  std::string error = world.refresh();
  CHECK(contains(error, "snapshot: "));
  CHECK(contains(error, "does not match"));
  // Without hashes in the timestamp, the version check still catches it.
  std::string timestamp = world.forge("timestamp", [](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", 3}};
  });
  world.server().replace("/metadata/timestamp.json", timestamp);
  CHECK(contains(world.refresh(), "snapshot: version 2 is not the version 3 the timestamp names"));
}

TEST_CASE("a threshold of two is not reached by one key signing twice: the metadata is refused") {
  repo::InitOptions options;
  options.targets = {2, 2};
  TufWorld world(options);
  REQUIRE(world.refresh() == "");
  auto keyids = world.role_keyids("targets");
  std::string forged = world.forge(
      "targets",
      [](Json& t) {
        t["targets"]["services/evil.json"] = {{"length", 1},
                                              {"hashes", {{"sha256", std::string(64, 'a')}}}};
      },
      std::vector<std::string>{keyids[0]});
  Json envelope = Json::parse(forged);
  envelope["signatures"].push_back(envelope["signatures"][0]);  // the same signature again
  REQUIRE(envelope["signatures"].size() == 2);
  std::string bytes = envelope.dump();
  // Serve it as a properly listed targets version (the snapshot key is not the attacker's
  // problem here: forge matching snapshot and timestamp).
  std::string snapshot = world.forge("snapshot", [&](Json& s) {
    s["meta"]["targets.json"] = {{"version", 2}};
  });
  std::string timestamp = world.forge("timestamp", [](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", 2}};
  });
  world.server().replace("/metadata/2.targets.json", bytes);
  world.server().replace("/metadata/2.snapshot.json", snapshot);
  world.server().replace("/metadata/timestamp.json", timestamp);
  CHECK(contains(world.refresh(), "targets metadata: $.signatures[1].keyid: key id " + keyids[0] +
                                      " signs more than once (key ids must be unique)"));
  CHECK(client_version(world, "targets") == 1);
}

TEST_CASE("a repeated key id in signatures is refused even when the threshold is met") {
  // The conformance suite's case: the snapshot's one valid signature, listed twice.
  TufWorld world;
  REQUIRE(world.refresh() == "");
  world.add_target("services/a.json", "{}");
  auto version = Json::parse(world.published_metadata(
      "timestamp.json"))["signed"]["meta"]["snapshot.json"]["version"]
                     .get<std::uint64_t>();
  REQUIRE(version == 2);
  std::string name = std::to_string(version) + ".snapshot.json";
  Json snapshot = Json::parse(world.published_metadata(name));
  std::string keyid = snapshot["signatures"][0]["keyid"];
  snapshot["signatures"].push_back(snapshot["signatures"][0]);
  std::string bytes = snapshot.dump();
  // The timestamp must name these bytes, or the hash check refuses them first.
  std::string timestamp = world.forge("timestamp", [&](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", version},
                                  {"length", bytes.size()},
                                  {"hashes", {{"sha256", *digest_hex("sha256", bytes)}}}};
  });
  world.server().replace("/metadata/" + name, bytes);
  world.server().replace("/metadata/timestamp.json", timestamp);
  CHECK(contains(world.refresh(), "snapshot metadata: $.signatures[1].keyid: key id " + keyid +
                                      " signs more than once (key ids must be unique)"));
  CHECK(client_version(world, "snapshot") == 1);
}

TEST_CASE("a root update whose key id signs twice is refused and the trusted root stays") {
  TufWorld world;
  REQUIRE(world.refresh() == "");
  Json envelope = Json::parse(world.forge("root", [](Json&) {}));
  std::string root_keyid = envelope["signatures"][0]["keyid"];
  envelope["signatures"].push_back(envelope["signatures"][0]);
  world.server().replace("/metadata/2.root.json", envelope.dump());
  CHECK(contains(world.refresh(), "root metadata: $.signatures[1].keyid: key id " + root_keyid +
                                      " signs more than once (key ids must be unique)"));
  CHECK(client_version(world, "root") == 1);
}

TEST_CASE(
    "root rotation: the new root is followed; a skipped version and a compromised old key are "
    "refused") {
  TufWorld world;
  REQUIRE(world.refresh() == "");
  auto old_root_keys = world.role_keyids("root");
  REQUIRE(world.repo().rotate("root", {1, 1}, KeyScheme::ecdsa_p256));
  world.commit_and_publish();
  REQUIRE(world.refresh() == "");
  CHECK(contains(world.client_file("root.json"), "\"version\": 2"));
  CHECK(contains(world.client_file("root.json"), "ecdsa-sha2-nistp256"));

  SUBCASE("the compromised old root key alone cannot sign root 3") {
    std::string forged = world.forge(
        "root", [](Json&) {}, old_root_keys);
    world.server().replace("/metadata/3.root.json", forged);
    CHECK(contains(world.refresh(),
                   "root: version 3 is not signed by the threshold of trusted version 2"));
    CHECK(contains(world.client_file("root.json"), "\"version\": 2"));
  }
  SUBCASE("a root that skips a version is refused") {
    std::string forged = world.forge("root", [](Json& r) { r["version"] = 4; });
    world.server().replace("/metadata/3.root.json", forged);
    CHECK(
        contains(world.refresh(), "root: expected version 3, got 4 (rollback or skipped version)"));
  }
  SUBCASE("a new root not signed by its own new keys is refused") {
    auto current = world.role_keyids("root");
    std::string forged = world.forge(
        "root",
        [&](Json& r) {
          // Hand the root role to a key id that did not sign.
          r["roles"]["root"]["keyids"] = Json::array({world.role_keyids("targets")[0]});
        },
        current);
    world.server().replace("/metadata/3.root.json", forged);
    CHECK(contains(world.refresh(), "root: version 3 is not signed by its own threshold"));
  }
}

TEST_CASE(
    "fast-forward recovery: after the timestamp key rotates, a lower timestamp version is "
    "accepted") {
  TufWorld world;
  REQUIRE(world.refresh() == "");
  // An attacker with the timestamp key pushes the kiosk to a huge timestamp version.
  std::string forged = world.forge("timestamp", [](Json& t) { t["version"] = 1000; });
  world.server().replace("/metadata/timestamp.json", forged);
  REQUIRE(world.refresh() == "");
  CHECK(contains(world.client_file("timestamp.json"), "\"version\": 1000"));
  world.server().clear_faults();
  // Without a key rotation the honest timestamp looks like a rollback.
  world.repo().resign_snapshot_and_timestamp();
  world.commit_and_publish();
  CHECK(contains(world.refresh(), "timestamp: version 2 is older than the trusted version 1000"));
  // The admin rotates the timestamp key: the kiosk drops the poisoned timestamp and recovers.
  REQUIRE(world.repo().rotate("timestamp", {1, 1}, KeyScheme::ed25519));
  world.commit_and_publish();
  REQUIRE(world.refresh() == "");
  CHECK(contains(world.client_file("timestamp.json"), "\"version\": 3"));
}

TEST_CASE("endless data: oversized metadata and targets are cut off at their caps") {
  TufWorld world;
  world.add_target("services/big.json", std::string(1000, 'b'));
  SUBCASE("timestamp") {
    world.server().endless("/metadata/timestamp.json");
    std::string error = world.refresh();
    CHECK(contains(error, "timestamp: "));
    CHECK(contains(error, "more than the 16384 bytes allowed"));
  }
  SUBCASE("root") {
    world.server().endless("/metadata/2.root.json");
    CHECK(contains(world.refresh(), "more than the 524288 bytes allowed"));
  }
  SUBCASE("snapshot capped by the length in the timestamp") {
    world.server().endless("/metadata/2.snapshot.json");
    std::string error = world.refresh();
    CHECK(contains(error, "snapshot: "));
    CHECK(contains(error, "bytes allowed (endless data)"));
  }
  SUBCASE("a target is capped by its signed length") {
    auto client = world.updater();
    REQUIRE(client->refresh());
    auto found = client->find_target("services/big.json");
    REQUIRE(found);
    REQUIRE(found->has_value());
    std::string hash = (*found)->file.hashes.at("sha256");
    world.server().endless("/targets/services/" + hash + ".big.json");
    fs::path file = world.root() / "big.json";
    auto done = client->download_target(**found, file);
    REQUIRE_FALSE(done);
    CHECK(contains(done.error().message, "target services/big.json: "));
    CHECK(contains(done.error().message, "more than the 1000 bytes allowed"));
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(world.root() / "big.json.part"));
  }
}

TEST_CASE("slow retrieval: a server that trickles bytes is abandoned") {
  TufWorld world;
  world.server().trickle("/metadata/timestamp.json");
  auto started = std::chrono::steady_clock::now();
  std::string error = world.refresh();
  CHECK(contains(error, "timestamp: "));
  CHECK(contains(error, "too slow or past the deadline"));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));
}

TEST_CASE("a tampered target is refused and the installed copy stays") {
  TufWorld world;
  world.add_target("services/a.json", R"({"id":"a","version":"1"})");
  auto client = world.updater();
  REQUIRE(client->refresh());
  auto found = client->find_target("services/a.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  fs::path file = world.root() / "a.json";
  REQUIRE(client->download_target(**found, file));
  std::string hash = (*found)->file.hashes.at("sha256");
  // Same length, different bytes.
  world.server().replace("/targets/services/" + hash + ".a.json", R"({"id":"X","version":"1"})");
  auto done = client->download_target(**found, file);
  REQUIRE_FALSE(done);
  CHECK(contains(done.error().message,
                 "target services/a.json: length or hash does not match the targets metadata "
                 "(tampered target)"));
  CHECK(*read_whole_file(file, 1024) == R"({"id":"a","version":"1"})");
  CHECK_FALSE(fs::exists(world.root() / "a.json.part"));
}

TEST_CASE("delegations: path patterns, search order, terminating roles") {
  TufWorld world;
  auto delegate = [&](const std::string& name, const std::string& from,
                      std::vector<std::string> paths, bool terminating) {
    REQUIRE(world.repo().delegate(
        {name, from, std::move(paths), {1, 1}, terminating, KeyScheme::ed25519}));
  };
  delegate("health", "targets", {"services/health/*"}, false);
  delegate("clinics", "health", {"services/health/clinic-*"}, false);
  delegate("fallback", "targets", {"services/*/*"}, false);
  world.commit_and_publish();
  world.add_target("services/health/clinic-a.json", "from clinics", "clinics");
  world.add_target("services/health/clinic-a.json", "from fallback", "fallback");
  world.add_target("services/health/vaccines.json", "from health", "health");
  // Listed by health, but outside its patterns: health is not trusted for it.
  world.add_target("services/education/exam.json", "from health (not trusted)", "health");
  world.add_target("services/health/deep/x.json", "from health (two levels: * does not span /)",
                   "health");
  auto client = world.updater();
  REQUIRE(client->refresh());

  auto role_of = [&](const std::string& path) -> std::string {
    auto found = client->find_target(path);
    REQUIRE(found);
    return found->has_value() ? (*found)->role : "none";
  };
  // Pre-order depth first: targets, health, clinics (child of health) before fallback.
  CHECK(role_of("services/health/clinic-a.json") == "clinics");
  CHECK(role_of("services/health/vaccines.json") == "health");
  CHECK(role_of("services/education/exam.json") == "none");
  CHECK(role_of("services/health/deep/x.json") == "none");

  SUBCASE("a terminating delegation stops the search") {
    TufWorld other;
    REQUIRE(other.repo().delegate(
        {"strict", "targets", {"services/health/*"}, {1, 1}, true, KeyScheme::ed25519}));
    REQUIRE(other.repo().delegate(
        {"fallback", "targets", {"services/*/*"}, {1, 1}, false, KeyScheme::ed25519}));
    other.commit_and_publish();
    other.add_target("services/health/x.json", "from fallback", "fallback");
    other.add_target("services/education/y.json", "from fallback", "fallback");
    auto strict_client = other.updater();
    REQUIRE(strict_client->refresh());
    auto x = strict_client->find_target("services/health/x.json");
    REQUIRE(x);
    CHECK_FALSE(x->has_value());  // strict is terminating for services/health/* and lacks it
    auto y = strict_client->find_target("services/education/y.json");
    REQUIRE(y);
    REQUIRE(y->has_value());
    CHECK((*y)->role == "fallback");
  }
}

TEST_CASE("a delegated role signed by the wrong key is refused") {
  TufWorld world;
  REQUIRE(world.repo().delegate(
      {"health", "targets", {"services/health/*"}, {1, 1}, false, KeyScheme::ed25519}));
  world.commit_and_publish();
  world.add_target("services/health/a.json", "a", "health");
  // The targets key (not health's) signs a health role listing a new service.
  std::string forged = world.forge(
      "health",
      [](Json& h) {
        h["version"] = 2;
        h["targets"]["services/health/evil.json"] = {
            {"length", 4}, {"hashes", {{"sha256", std::string(64, 'e')}}}};
      },
      world.role_keyids("targets"));
  world.server().replace("/metadata/2.health.json", forged);
  std::string snapshot = world.forge("snapshot", [](Json& s) {
    s["meta"]["health.json"] = {{"version", 2}};
  });
  std::string timestamp = world.forge("timestamp", [](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", 4}};
  });
  world.server().replace("/metadata/4.snapshot.json", snapshot);
  world.server().replace("/metadata/timestamp.json", timestamp);
  auto client = world.updater();
  REQUIRE(client->refresh());
  auto found = client->find_target("services/health/evil.json");
  REQUIRE_FALSE(found);
  CHECK(contains(found.error().message, "health: 0 of 1 required signatures verify"));
}

TEST_CASE("trusted time never goes below the last verification, even when the clock is set back") {
  TufWorld world;
  REQUIRE(world.refresh() == "");
  // An expired but otherwise valid new timestamp.
  REQUIRE(world.repo().set_expiry("timestamp", trust::system_unix_time() - 10 * k_day));
  world.commit_and_publish();
  auto back_in_time = world.updater_options();
  back_in_time.system_clock = [] { return trust::system_unix_time() - 30 * k_day; };
  back_in_time.not_before = 0;
  CHECK(contains(world.refresh(back_in_time), "timestamp: version 2 expired"));

  // A kiosk with no floor and no build time would have accepted it: the floor is what refuses.
  TufWorld fresh;
  REQUIRE(fresh.repo().set_expiry("timestamp", trust::system_unix_time() - 10 * k_day));
  fresh.commit_and_publish();
  auto fresh_options = fresh.updater_options();
  fresh_options.system_clock = back_in_time.system_clock;
  fresh_options.not_before = 0;
  CHECK(fresh.refresh(fresh_options) == "");
  // And the build time alone is a floor too.
  fresh_options.not_before = trust::system_unix_time();
  CHECK(contains(fresh.refresh(fresh_options), "timestamp: version 2 expired"));
}

TEST_CASE("a repository in a directory (USB stick) goes through the same checks") {
  TufWorld world;
  world.add_target("services/a.json", "usb");
  // Copy the published tree as an admin would onto a stick.
  fs::path stick = world.root() / "stick";
  fs::copy(world.published(), stick, fs::copy_options::recursive);
  auto fetcher = trust::make_fetcher_for((stick / "metadata").string(), world.fetch_options);
  REQUIRE(fetcher);
  auto options = world.updater_options();
  options.metadata_url = (stick / "metadata").string();
  options.target_base_url = (stick / "targets").string();
  auto client = trust::Updater::open(options, **fetcher, **fetcher);
  REQUIRE(client);
  REQUIRE((*client)->refresh());
  auto found = (*client)->find_target("services/a.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  REQUIRE((*client)->download_target(**found, world.root() / "a.json"));
  CHECK(*read_whole_file(world.root() / "a.json", 100) == "usb");

  // Meanwhile the kiosk has seen newer metadata online; an old stick is a rollback.
  world.add_target("services/a.json", "newer");
  REQUIRE(world.refresh() == "");
  auto stale = trust::Updater::open(options, **fetcher, **fetcher);
  REQUIRE(stale);
  auto refused = (*stale)->refresh();
  REQUIRE_FALSE(refused);
  CHECK(contains(refused.error().message,
                 "timestamp: version 2 is older than the trusted version 3 (rollback attack)"));
}

TEST_CASE(
    "fast-forward recovery: after the snapshot key rotates, targets and snapshot versions "
    "recover") {
  TufWorld world;
  REQUIRE(world.refresh() == "");
  // Attackers holding the targets and snapshot keys push targets to version 99999 and the
  // snapshot to version 5000.
  std::string targets = world.forge("targets", [](Json& t) { t["version"] = 99999; });
  std::string snapshot = world.forge("snapshot", [&](Json& s) {
    s["version"] = 5000;
    s["meta"]["targets.json"] = {{"version", 99999}};
  });
  std::string timestamp = world.forge("timestamp", [](Json& t) {
    t["meta"]["snapshot.json"] = {{"version", 5000}};
  });
  world.server().replace("/metadata/99999.targets.json", targets);
  world.server().replace("/metadata/5000.snapshot.json", snapshot);
  world.server().replace("/metadata/timestamp.json", timestamp);
  REQUIRE(world.refresh() == "");
  CHECK(client_version(world, "targets") == 99999);
  CHECK(client_version(world, "snapshot") == 5000);
  world.server().clear_faults();

  // The admin rotates the snapshot key and publishes honest, lower versions.
  REQUIRE(world.repo().rotate("snapshot", {1, 1}, KeyScheme::ed25519));
  world.add_target("services/a.json", "after recovery");
  REQUIRE(world.refresh() == "");
  CHECK(client_version(world, "targets") == 2);
  CHECK(client_version(world, "snapshot") == 2);
  CHECK(client_version(world, "root") == 2);
}

TEST_CASE("the delegation search visits at most max_delegations roles") {
  TufWorld world;
  std::string parent = "targets";
  for (std::string name : {"d1", "d2", "d3"}) {
    REQUIRE(
        world.repo().delegate({name, parent, {"services/*"}, {1, 1}, false, KeyScheme::ed25519}));
    parent = name;
  }
  world.commit_and_publish();
  world.add_target("services/deep.json", "three levels down", "d3");
  auto refused_again =
      world.repo().delegate({"d1", "d3", {"services/*"}, {1, 1}, false, KeyScheme::ed25519});
  CHECK_FALSE(refused_again);  // the admin tool never makes a cycle

  auto options = world.updater_options();
  options.max_delegations = 3;  // targets, d1, d2
  auto limited = world.updater(options);
  auto not_found = limited->find_target("services/deep.json");
  REQUIRE(not_found);
  CHECK_FALSE(not_found->has_value());
  options.max_delegations = 4;
  auto enough = world.updater(options);
  auto found = enough->find_target("services/deep.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->role == "d3");
}

TEST_CASE("diamond delegation: a role held in memory is verified again for each delegator") {
  TufWorld world;
  Diamond diamond = make_diamond(world, false);
  auto client = world.updater();
  REQUIRE(client->refresh());
  // Through b, whose key signed "shared": trusted.
  auto ok = client->find_target(k_diamond_path_b);
  REQUIRE(ok);
  REQUIRE(ok->has_value());
  CHECK((*ok)->role == "shared");
  // Through a, whose delegation names another key: the loaded "shared" is not reused.
  auto evil = client->find_target(k_diamond_path_a);
  REQUIRE_FALSE(evil);
  CHECK(contains(evil.error().message,
                 "shared: 0 of 1 required signatures verify (threshold not reached) for the "
                 "delegation from a (key ids " +
                     diamond.a_key_for_shared + ")"));
  // The first lookup still works on the same client: b's verification stands.
  auto again = client->find_target(k_diamond_path_b);
  REQUIRE(again);
  CHECK(again->has_value());

  SUBCASE("the copy on disk is verified against the delegator too") {
    // A new client (a restarted kiosk) finds "shared" only in its metadata directory, stored
    // after b's lookup; through a, the disk copy and the served copy are both refused.
    REQUIRE(world.client_file("shared.json") != "");
    auto restarted = world.updater();
    auto refused = restarted->find_target(k_diamond_path_a);
    REQUIRE_FALSE(refused);
    CHECK(contains(refused.error().message,
                   "shared: 0 of 1 required signatures verify (threshold not reached) for the "
                   "delegation from a"));
    // list_targets resolves each path through the delegation tree the same way.
    auto listed = world.updater()->list_targets("services/");
    REQUIRE_FALSE(listed);
    CHECK(contains(listed.error().message, "for the delegation from a"));
  }
}

TEST_CASE("diamond delegation signed for both delegators: both lookups succeed") {
  TufWorld world;
  make_diamond(world, true);
  auto client = world.updater();
  REQUIRE(client->refresh());
  for (const char* path : {k_diamond_path_b, k_diamond_path_a, k_diamond_path_b}) {
    CAPTURE(path);
    auto found = client->find_target(path);
    REQUIRE(found);
    REQUIRE(found->has_value());
    CHECK((*found)->role == "shared");
  }
}
