// The real `shubbak` runtime, enrolled with a certificate from the portal's kiosk CA that puts
// it in the "pilot" group, checking a repository with three staged rollouts: its heartbeat to
// the real portal carries each bundle's state as its updater decided it.
#include <signal.h>

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "provisioning/shubbakctl/repo_rollout.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/trust/tuf_world.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A bundle named `name` (a stub the kiosk's validation refuses), or the file `bundle` at
// `target`, signed with a rollout.
void staged(TufWorld& world, const std::string& name, const std::string& waves,
            std::vector<std::string> groups, const fs::path& bundle = {}, std::string target = {}) {
  fs::path file = bundle;
  if (file.empty()) {
    file = world.root() / "bundle.json";
    REQUIRE(write_file_atomically(file, fmt::format(R"({{"id":"{}","version":"1"}})", name)));
  }
  if (target.empty()) target = "services/" + name + ".json";
  REQUIRE(world.repo().add_target(target, file, "targets"));
  auto parsed = repo::parse_wave_list(waves);
  REQUIRE(parsed);
  REQUIRE(repo::start_rollout(world.repo(), {target, *parsed, std::move(groups)},
                              trust::system_unix_time()));
}

}  // namespace

TEST_CASE(
    "the heartbeat reports each bundle's rollout state: installed, not in the groups, "
    "waiting with its opening time, and refused when the version taken does not validate") {
  PortalFixture portal;
  TufWorld world;
  staged(world, "pilot-only", "100%:0h", {"pilot"});
  staged(world, "elsewhere", "100%:0h", {"region:jeddah"});
  staged(world, "later", "100%:48h", {});
  staged(world, "clinic", "100%:0h", {},
         fs::path(SHUBBAK_SOURCE_DIR) / "assets/services/jordan.health.appointment.json",
         "services/jordan-health/appointment.json");
  world.commit_and_publish();

  // The kiosk's groups are in its certificate, issued by the portal's CA, CN its id.
  auto cert = portal.pki().issue_client("kiosk-7-pilot", "kiosk-7", std::chrono::hours(-1),
                                        std::chrono::hours(24), {"region:riyadh", "pilot"});
  TempDir dir;
  fs::create_directories(dir / "data");
  auto config =
      dir.write("kiosk.toml",
                fmt::format("[kiosk]\nid = \"kiosk-7\"\ndata_dir = \"data\"\n"
                            "[portal]\nurl = \"{}\"\nca_file = \"{}\"\nclient_cert = \"{}\"\n"
                            "client_key = \"{}\"\nheartbeat_seconds = 5\n"
                            "[updates]\nmetadata_url = \"file://{}\"\ntargets_url = \"file://{}\"\n"
                            "trusted_root = \"{}\"\n",
                            portal.url(), portal.pki().ca_cert().string(), cert.cert.string(),
                            cert.key.string(), (world.published() / "metadata").string(),
                            (world.published() / "targets").string(),
                            (world.root() / "repo" / "metadata" / "1.root.json").string()));
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path());
  auto states = [&] {
    return portal.query_int(
        "SELECT count(*) FROM heartbeats, json_each(json_extract(body, '$.services.rollout')) "
        "WHERE kiosk_id = 'kiosk-7'");
  };
  // Four states, one of them the refusal found once the set was validated.
  auto refused = [&] {
    return portal.query_int(
        "SELECT count(*) FROM heartbeats, json_each(json_extract(body, '$.services.rollout')) "
        "WHERE kiosk_id = 'kiosk-7' AND json_extract(value, '$.state') = 'refused'");
  };
  for (int i = 0; i < 300 && (states() < 4 || refused() < 1); ++i)
    std::this_thread::sleep_for(100ms);
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(10s) == 0);
  INFO("kiosk stderr:\n" << kiosk.stderr_text());
  REQUIRE(states() == 4);
  auto state_of = [&](const std::string& target) {
    return portal.query_int(fmt::format(
        "SELECT count(*) FROM heartbeats, json_each(json_extract(body, '$.services.rollout')) "
        "WHERE json_extract(value, '$.target') = '{}' AND {}",
        target,
        target == "services/jordan-health/appointment.json"
            ? "json_extract(value, '$.state') = 'installed'"
        // The stub was taken (its wave is open, the kiosk is in the group) but does not validate.
        : target == "services/pilot-only.json"
            ? "json_extract(value, '$.state') = 'refused' AND json_extract(value, '$.reason') "
              "LIKE 'does not validate: %'"
        : target == "services/elsewhere.json"
            ? "json_extract(value, '$.state') = 'not_in_groups'"
            : "json_extract(value, '$.state') = 'waiting' AND "
              "json_extract(value, '$.opens_s') > strftime('%s', 'now') + 47 * 3600"));
  };
  CHECK(state_of("services/jordan-health/appointment.json") == 1);
  CHECK(state_of("services/pilot-only.json") == 1);
  CHECK(state_of("services/elsewhere.json") == 1);
  CHECK(state_of("services/later.json") == 1);
  // Only the bundle the kiosk may take is installed.
  CHECK(fs::exists(dir / "data" / "services" / "current" / "pilot-only.json"));
  CHECK_FALSE(fs::exists(dir / "data" / "services" / "current" / "elsewhere.json"));
  CHECK_FALSE(fs::exists(dir / "data" / "services" / "current" / "later.json"));
  CHECK(kiosk.stderr_text().find("rollout groups: region:riyadh, pilot") != std::string::npos);
}
