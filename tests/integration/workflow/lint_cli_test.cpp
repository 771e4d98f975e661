// shubbakctl's bundle lint, as an admin runs it: the same errors a kiosk would give, exit 1 on
// any; and `repo add` refuses to sign a bundle a kiosk would refuse.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("bundle lint passes the demo bundles and lists every error of a broken one") {
  testing::TempDir dir;
  std::string services = std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/";
  testing::ChildProcess good(
      {SHUBBAKCTL_BIN, "bundle", "lint", services + "muscat.municipality.fees.json",
       services + "jordan.health.appointment.json"},
      dir.path());
  CHECK(good.wait(30s) == 0);
  CHECK(good.stdout_text().find("muscat.municipality.fees.json: ok") != std::string::npos);

  auto bad = dir.write("bad.json", R"({"format":"shubbak.service/1","id":"Bad Id","version":"1"})");
  testing::ChildProcess lint({SHUBBAKCTL_BIN, "bundle", "lint", bad.string()}, dir.path());
  CHECK(lint.wait(30s) == 1);
  std::string err = lint.stderr_text();
  INFO(err);
  CHECK(err.find(bad.string() + ": $.id: \"Bad Id\" is not a service id") != std::string::npos);
  CHECK(err.find(bad.string() + ": $.version: \"1\" is not a MAJOR.MINOR.PATCH version") !=
        std::string::npos);
  CHECK(err.find(bad.string() + ": $.steps: required") != std::string::npos);
}

TEST_CASE("repo add signs a valid bundle and refuses an invalid one with the linter's errors") {
  testing::TempDir dir;
  auto repo = (dir / "repo").string(), keys = (dir / "keys").string();
  testing::ChildProcess init({SHUBBAKCTL_BIN, "repo", "--repo", repo, "--keys", keys, "init"},
                             dir.path());
  REQUIRE(init.wait(60s) == 0);
  std::string good =
      std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/jordan.health.appointment.json";
  testing::ChildProcess add(
      {SHUBBAKCTL_BIN, "repo", "--repo", repo, "--keys", keys, "add", "--file", good, "--name",
       "services/jordan-health/jordan.health.appointment.json"},
      dir.path());
  CHECK(add.wait(60s) == 0);
  auto bad = dir.write("bad.json", R"({"format":"shubbak.service/1","id":"x","version":"1.0.0"})");
  testing::ChildProcess refused({SHUBBAKCTL_BIN, "repo", "--repo", repo, "--keys", keys, "add",
                                 "--file", bad.string(), "--name", "services/x/x.json"},
                                dir.path());
  CHECK(refused.wait(60s) != 0);
  CHECK(refused.stderr_text().find("$.ministry: required") != std::string::npos);
}

namespace {

std::string demo_bundle(const std::string& name) {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/" + name + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The demo bundle with its "id" value replaced.
std::string with_id(const std::string& id) {
  std::string text = demo_bundle("jordan.health.appointment");
  auto at = text.find("\"jordan.health.appointment\"");
  REQUIRE(at != std::string::npos);
  return text.replace(at, 27, "\"" + id + "\"");
}

}  // namespace

TEST_CASE("hostile bundles: lint and repo add refuse them with the path, and do not crash") {
  testing::TempDir dir;
  auto long_id = dir.write("long-id.json", with_id(std::string(6000, 'a')));
  auto huge_id = dir.write("huge-id.json", with_id(std::string(300'000, 'a')));
  auto duplicate = dir.write("duplicate.json",
                             "{\"id\":\"x\"," + demo_bundle("jordan.health.appointment").substr(1));
  auto oversize =
      dir.write("oversize.json", with_id("jordan.health.appointment") + std::string(1 << 20, ' '));
  auto bad_utf8 = dir.write("utf8.json", with_id("jordan.health.\xff"));
  auto good = std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/jordan.health.appointment.json";

  testing::ChildProcess lint({SHUBBAKCTL_BIN, "bundle", "lint", long_id.string(), huge_id.string(),
                              duplicate.string(), oversize.string(), bad_utf8.string(), good},
                             dir.path());
  CHECK(lint.wait(60s) == 1);  // refused, not killed by a signal
  std::string err = lint.stderr_text();
  INFO(err.substr(0, 4000));
  CHECK(err.find(long_id.string() + ": $.id: a service id is 1 to 64 bytes long, not 6000") !=
        std::string::npos);
  CHECK(err.find(huge_id.string() + ": $.id: a string of 300000 bytes; at most 8192 are allowed") !=
        std::string::npos);
  CHECK(err.find(duplicate.string() + ": $.id: duplicate key \"id\"") != std::string::npos);
  CHECK(err.find(oversize.string() + ": $: the document is") != std::string::npos);
  CHECK(err.find("at most 1048576 are allowed") != std::string::npos);
  CHECK(err.find(bad_utf8.string() + ": $.id: not JSON") != std::string::npos);
  CHECK(lint.stdout_text().find("jordan.health.appointment.json: ok") != std::string::npos);

  auto repo = (dir / "repo").string(), keys = (dir / "keys").string();
  testing::ChildProcess init({SHUBBAKCTL_BIN, "repo", "--repo", repo, "--keys", keys, "init"},
                             dir.path());
  REQUIRE(init.wait(60s) == 0);
  for (const auto& [file, expected] : std::vector<std::pair<std::filesystem::path, std::string>>{
           {long_id, "$.id: a service id is 1 to 64 bytes long"},
           {duplicate, "$.id: duplicate key \"id\""},
           {oversize, "at most 1048576 are allowed"}}) {
    CAPTURE(file);
    testing::ChildProcess add({SHUBBAKCTL_BIN, "repo", "--repo", repo, "--keys", keys, "add",
                               "--file", file.string(), "--name", "services/jordan-health/x.json"},
                              dir.path());
    CHECK(add.wait(60s) == 1);
    CHECK(add.stderr_text().find(expected) != std::string::npos);
  }
}
