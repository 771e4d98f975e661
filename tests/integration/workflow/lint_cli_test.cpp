// shubbakctl's bundle lint, as an admin runs it: the same errors a kiosk would give, exit 1 on
// any; and `repo add` refuses to sign a bundle a kiosk would refuse.
#include <doctest/doctest.h>

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
