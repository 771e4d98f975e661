// The admin's repository tools refuse, on the real `shubbakctl`, what a kiosk would refuse
// later, each with the reason and exit 1: a ministry's bundle published under another
// ministry's delegation, a path outside the role's delegation, an id already published under
// another name, a version not above the published one, and expiries in the past or too far
// ahead. What a kiosk accepts still passes.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {

std::string demo_bundle(const std::string& id, const std::string& version = "1.0.0") {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/" + id + ".json");
  std::string text{std::istreambuf_iterator<char>(in), {}};
  auto at = text.find("\"version\": \"1.0.0\"");
  REQUIRE(at != std::string::npos);
  return text.replace(at, 18, "\"version\": \"" + version + "\"");
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

struct AdminRepo {
  Outcome run(std::vector<std::string> args) {
    std::vector<std::string> argv = {SHUBBAK_CTL_BIN,         "repo",   "--repo",
                                     (dir / "repo").string(), "--keys", (dir / "keys").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto out = dir / ("run-" + std::to_string(runs++));
    std::filesystem::create_directories(out);
    testing::ChildProcess tool(argv, out);
    Outcome outcome;
    outcome.code = tool.wait(60s).value_or(-1);
    outcome.out = tool.stdout_text();
    outcome.err = tool.stderr_text();
    return outcome;
  }
  Outcome add(const std::string& text, const std::string& name, const std::string& role) {
    auto file = dir.write("bundle-" + std::to_string(runs) + ".json", text);
    return run({"add", "--file", file.string(), "--name", name, "--role", role});
  }
  testing::TempDir dir;
  int runs = 0;
};

}  // namespace

TEST_CASE("repo add and repo expires refuse what a kiosk would refuse, each with its reason") {
  AdminRepo admin;
  REQUIRE(admin.run({"init"}).code == 0);
  REQUIRE(admin.run({"delegate", "--name", "jordan-health", "--path", "services/jordan-health/*"})
              .code == 0);
  REQUIRE(admin
              .run({"delegate", "--name", "muscat-municipality", "--path",
                    "services/muscat-municipality/*"})
              .code == 0);
  const std::string appointment = "services/jordan-health/appointment.json";
  REQUIRE(admin.add(demo_bundle("jordan.health.appointment"), appointment, "jordan-health").code ==
          0);

  struct Refusal {
    std::string what, text, name, role, reason;
  };
  for (const auto& c : std::vector<Refusal>{
           {"another ministry's bundle under the health delegation",
            demo_bundle("muscat.municipality.fees"), "services/jordan-health/fees.json",
            "jordan-health",
            "services/jordan-health/fees.json: the bundle's ministry is \"muscat-municipality\"; "
            "publish it as services/muscat-municipality/"},
           {"a path outside the role's delegation", demo_bundle("muscat.municipality.fees"),
            "services/muscat-municipality/fees.json", "jordan-health",
            "services/muscat-municipality/fees.json: outside the paths delegated to "
            "jordan-health"},
           {"the same id under another name", demo_bundle("jordan.health.appointment", "2.0.0"),
            "services/jordan-health/other.json", "jordan-health",
            "the service id \"jordan.health.appointment\" is already published as " + appointment},
           {"the same version again", demo_bundle("jordan.health.appointment"), appointment,
            "jordan-health", "version 1.0.0 is not above the published 1.0.0"},
           {"a lower version", demo_bundle("jordan.health.appointment", "0.9.0"), appointment,
            "jordan-health", "version 0.9.0 is not above the published 1.0.0"}}) {
    CAPTURE(c.what);
    auto refused = admin.add(c.text, c.name, c.role);
    CAPTURE(refused.err);
    CHECK(refused.code == 1);
    CHECK(refused.err.find(c.reason) != std::string::npos);
  }
  // What a kiosk accepts passes: a higher version under the same name, numerically compared,
  // and another ministry's bundle under its own delegation.
  CHECK(admin.add(demo_bundle("jordan.health.appointment", "1.10.0"), appointment, "jordan-health")
            .code == 0);
  CHECK(admin
            .add(demo_bundle("muscat.municipality.fees"), "services/muscat-municipality/fees.json",
                 "muscat-municipality")
            .code == 0);

  auto past = admin.run({"expires", "--role", "targets", "--at", "2020-01-01T00:00:00Z"});
  CHECK(past.code == 1);
  CHECK(past.err.find("targets would expire at 2020-01-01T00:00:00Z, which is not in the future") !=
        std::string::npos);
  auto far = admin.run({"expires", "--role", "timestamp", "--days", "1000"});
  CHECK(far.code == 1);
  CHECK(far.err.find("more than 730 days ahead") != std::string::npos);
  auto root_far = admin.run({"expires", "--role", "root", "--days", "4000"});
  CHECK(root_far.code == 1);
  CHECK(root_far.err.find("more than 3650 days ahead") != std::string::npos);
  CHECK(admin.run({"expires", "--role", "targets", "--days", "90"}).code == 0);
  CHECK(admin.run({"expires", "--role", "root", "--days", "3000"}).code == 0);
}

TEST_CASE("the repository tools say what they did: status, fingerprint and a line per edit") {
  AdminRepo admin;
  auto init = admin.run({"init"});
  REQUIRE(init.code == 0);
  // The fingerprint, as `kiosk provision` shows the technician: SHA-256 of the root file.
  std::ifstream in(admin.dir / "repo" / "metadata" / "root.json", std::ios::binary);
  std::string root{std::istreambuf_iterator<char>(in), {}};
  REQUIRE_FALSE(root.empty());
  std::string fingerprint = to_hex(sha256(root));
  CHECK(init.out.find("SHA-256 fingerprint: " + fingerprint) != std::string::npos);
  auto printed = admin.run({"fingerprint"});
  CHECK(printed.code == 0);
  CHECK(printed.out.find("root version 1") != std::string::npos);
  CHECK(printed.out.find("SHA-256 fingerprint: " + fingerprint) != std::string::npos);

  auto delegated =
      admin.run({"delegate", "--name", "jordan-health", "--path", "services/jordan-health/*"});
  REQUIRE(delegated.code == 0);
  CHECK(delegated.out.find("signed jordan-health v1 (expires ") != std::string::npos);
  CHECK(delegated.out.find("targets v2") != std::string::npos);
  CHECK(delegated.out.find("next: shubbakctl repo publish --out DIR") != std::string::npos);

  auto status = admin.run({"status"});
  CAPTURE(status.out);
  CHECK(status.code == 0);
  for (const char* role : {"root ", "targets ", "snapshot ", "timestamp ", "jordan-health "})
    CHECK(status.out.find(std::string("\n") + role) != std::string::npos);
  CHECK(status.out.find("EXPIRED") == std::string::npos);

  // A timestamp left to expire is what stops every kiosk's updates: status says so, exit 1.
  REQUIRE(admin
              .run({"expires", "--role", "timestamp", "--at", "2020-01-01T00:00:00Z",
                    "--expired-drill"})
              .code == 0);
  auto expired = admin.run({"status"});
  CAPTURE(expired.out);
  CHECK(expired.code == 1);
  CHECK(expired.out.find("2020-01-01T00:00:00Z") != std::string::npos);
  CHECK(expired.out.find("EXPIRED: kiosks refuse it; re-sign it") != std::string::npos);
}
