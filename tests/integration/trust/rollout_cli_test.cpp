// `shubbakctl repo rollout` on the real binary: start, status, advance, halt, resume, rollback
// and --emergency sign what they say into the published metadata (re-signing targets, snapshot
// and timestamp), and bad input is refused with a reason and exit 1 (2 for a bad command line).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/crypto/digest.hpp"
#include "kiosk/trust/rollout.hpp"
#include "kiosk/trust/trusted_clock.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr std::string_view k_name = "services/jordan-health/clinic.json";

struct Result {
  std::optional<int> code;
  std::string out, err;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct CliWorld {
  TempDir dir;
  fs::path repo = dir / "repo", keys = dir / "keys", pub = dir / "pub";
  int runs = 0;

  Result ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {SHUBBAKCTL_BIN, "repo",   "--repo",
                                     repo.string(),  "--keys", keys.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path out = dir / ("run-" + std::to_string(++runs));
    fs::create_directories(out);
    ChildProcess child(std::move(argv), out);
    auto code = child.wait(std::chrono::seconds(60));
    return {code, child.stdout_text(), child.stderr_text()};
  }
  Result rollout(std::vector<std::string> args) {
    args.insert(args.begin(), "rollout");
    return ctl(std::move(args));
  }
  // The clinic bundle from assets at `version`; returns its sha256.
  std::string add_clinic(const std::string& version) {
    Json bundle = Json::parse(*read_whole_file(
        fs::path(SHUBBAK_SOURCE_DIR) / "assets/services/jordan.health.appointment.json", 1 << 20));
    bundle["version"] = version;
    std::string bytes = bundle.dump(2);
    fs::path file = dir.write("clinic-" + version + ".json", bytes);
    auto added = ctl(
        {"add", "--file", file.string(), "--name", std::string(k_name), "--role", "jordan-health"});
    REQUIRE_MESSAGE(added.code == 0, added.err);
    return *digest_hex("sha256", bytes);
  }
  Json published(const std::string& file) const {
    return Json::parse(*read_whole_file(pub / "metadata" / file, 1 << 22));
  }
  Json entry() const { return published("jordan-health.json")["signed"]["targets"][k_name]; }
  std::uint64_t timestamp_version() const {
    return published("timestamp.json")["signed"]["version"].get<std::uint64_t>();
  }
};

}  // namespace

TEST_CASE("shubbakctl repo rollout: every command signs its decision; bad input is refused") {
  CliWorld w;
  REQUIRE(w.ctl({"init"}).code == 0);
  REQUIRE(
      w.ctl({"delegate", "--name", "jordan-health", "--path", "services/jordan-health/*"}).code ==
      0);
  std::string v1 = w.add_clinic("1.0.0");
  std::string v2 = w.add_clinic("1.1.0");

  auto none = w.rollout({"status"});
  CHECK(none.code == 0);
  CHECK(contains(none.out, "no rollouts"));

  SUBCASE("bad input") {
    auto refused = [&](std::vector<std::string> args, const std::string& reason) {
      auto result = w.rollout(std::move(args));
      CHECK_MESSAGE(result.code == 1, result.err);
      CHECK_MESSAGE(contains(result.err, reason), result.err);
    };
    std::string name(k_name);
    refused({"start", "--name", name, "--waves", "10%:0h,5%:24h"}, "shares must increase");
    refused({"start", "--name", name, "--waves", "1%:0h,10%:24h,10%:48h"}, "shares must increase");
    refused({"start", "--name", name, "--waves", "1%"}, "is not PERCENT%:DELAY");
    refused({"start", "--name", name, "--waves", "0%:0h"}, "from 1 to 100");
    refused({"start", "--name", name, "--waves", "50%:0h,101%:1h"}, "from 1 to 100");
    refused({"start", "--name", name, "--waves", "1%:1x"}, "minutes, hours or days");
    refused({"start", "--name", name, "--waves", "1%:24h,10%:1h"}, "opens before the wave");
    refused({"start", "--name", name, "--waves", ""}, "the wave list is empty");
    refused({"start", "--name", "services/jordan-health/none.json", "--waves", "100%:0h"},
            "no role signs a target named services/jordan-health/none.json");
    refused({"start", "--name", name, "--waves", "100%:0h", "--groups", "Pilot"},
            "is not a valid group name");
    refused({"halt", "--name", name}, "has no rollout");
    refused({"advance", "--name", name}, "has no rollout");
    refused({"rollback", "--name", name, "--to", "9.9.9"},
            "never had version 9.9.9 in this repository (it had: 1.0.0, 1.1.0)");
    refused({"rollback", "--name", name, "--to", "1.1.0"}, "is already at version 1.1.0");
    CHECK(w.rollout({"start", "--name", name}).code == 2);     // --waves is required
    CHECK(w.rollout({"rollback", "--name", name}).code == 2);  // so is --to
  }

  SUBCASE("start, status, advance, halt, resume, emergency, rollback") {
    std::string name(k_name);
    auto started = w.rollout({"start", "--name", name, "--waves", "1%:0h,10%:24h,50%:48h,100%:72h",
                              "--groups", "pilot,region:riyadh", "--out", w.pub.string()});
    REQUIRE_MESSAGE(started.code == 0, started.err);
    std::uint64_t timestamp = w.timestamp_version();
    Json rollout = w.entry()["custom"]["rollout"];
    auto policy = trust::parse_rollout(w.entry()["custom"]);
    REQUIRE(policy);
    REQUIRE(*policy);
    CHECK((*policy)->waves.size() == 4);
    CHECK((*policy)->waves[3].opens - (*policy)->waves[0].opens == 72 * 3600);
    CHECK((*policy)->groups == std::vector<std::string>{"pilot", "region:riyadh"});
    CHECK_FALSE((*policy)->halted);
    REQUIRE((*policy)->previous);
    CHECK((*policy)->previous->version == "1.0.0");
    CHECK((*policy)->previous->file.hashes.at("sha256") == v1);
    CHECK(w.entry()["hashes"]["sha256"] == v2);
    // The version waiting kiosks fall back to is served under its hash.
    CHECK(fs::exists(w.pub / "targets" / "services" / "jordan-health" / (v1 + ".clinic.json")));

    auto status = w.rollout({"status"});
    CHECK(status.code == 0);
    CHECK(contains(status.out, "services/jordan-health/clinic.json: version 1.1.0"));
    CHECK(contains(status.out, "groups: pilot, region:riyadh"));
    CHECK(contains(status.out, "wave 1: 1% of kiosks"));
    CHECK(contains(status.out, "(open)"));
    CHECK(contains(status.out, "wave 4: 100% of kiosks"));
    CHECK(contains(status.out, "(in 7"));  // 72 hours less the seconds since the start

    auto advanced = w.rollout({"advance", "--name", name, "--out", w.pub.string()});
    REQUIRE_MESSAGE(advanced.code == 0, advanced.err);
    CHECK(w.timestamp_version() > timestamp);  // re-signed down to the timestamp
    policy = trust::parse_rollout(w.entry()["custom"]);
    CHECK((*policy)->waves[1].opens <= trust::system_unix_time());
    CHECK((*policy)->waves[2].opens > trust::system_unix_time());

    CHECK(w.rollout({"resume", "--name", name}).code == 1);  // not halted
    REQUIRE(w.rollout({"halt", "--name", name, "--out", w.pub.string()}).code == 0);
    CHECK((*trust::parse_rollout(w.entry()["custom"]))->halted);
    CHECK(contains(w.rollout({"status", "--name", name}).out, "HALTED"));
    auto again = w.rollout({"halt", "--name", name});
    CHECK(again.code == 1);
    CHECK(contains(again.err, "already halted"));
    REQUIRE(w.rollout({"resume", "--name", name, "--out", w.pub.string()}).code == 0);
    CHECK_FALSE((*trust::parse_rollout(w.entry()["custom"]))->halted);

    REQUIRE(w.rollout({"halt", "--name", name}).code == 0);
    auto emergency = w.rollout({"advance", "--emergency", "--name", name, "--out", w.pub.string()});
    REQUIRE_MESSAGE(emergency.code == 0, emergency.err);
    policy = trust::parse_rollout(w.entry()["custom"]);
    CHECK_FALSE((*policy)->halted);
    for (const auto& wave : (*policy)->waves) CHECK(wave.opens <= trust::system_unix_time());
    auto open = w.rollout({"advance", "--name", name});
    CHECK(open.code == 1);
    CHECK(contains(open.err, "every wave is open"));

    timestamp = w.timestamp_version();
    auto rolled_back =
        w.rollout({"rollback", "--name", name, "--to", "1.0.0", "--out", w.pub.string()});
    REQUIRE_MESSAGE(rolled_back.code == 0, rolled_back.err);
    CHECK(w.timestamp_version() > timestamp);
    CHECK(w.entry()["hashes"]["sha256"] == v1);
    CHECK_FALSE(w.entry().contains("custom"));
    CHECK(*digest_hex("sha256", *read_whole_file(w.pub / "targets" / k_name, 1 << 20)) == v1);
    CHECK(contains(w.rollout({"status", "--name", name}).out, "version 1.0.0, no rollout"));
  }
}
