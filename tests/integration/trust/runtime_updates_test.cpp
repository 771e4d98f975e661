// The real `shubbak` runtime with [updates] configured: it installs the trusted root, checks the
// repository at start (file:// here, the same code path as https://), installs the verified
// service set and reports it, and a repository that fails verification leaves it running.
#include <signal.h>

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "tests/integration/trust/tuf_world.hpp"
#include "tests/support/child_process.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string config_for(const TufWorld& world, const std::string& metadata_url) {
  return fmt::format(
      "[kiosk]\ndata_dir = \"data\"\n[updates]\nmetadata_url = \"{}\"\ntargets_url = "
      "\"file://{}\"\n"
      "trusted_root = \"{}\"\ninterval_minutes = 60\njitter_percent = 0\n",
      metadata_url, (world.published() / "targets").string(),
      (world.root() / "repo" / "metadata" / "1.root.json").string());
}

}  // namespace

TEST_CASE(
    "the runtime installs a verified service set at start and keeps running when one is refused") {
  TufWorld world;
  world.add_target("services/passport.json", R"({"id":"passport","version":"3"})");
  fs::path run_dir = world.root() / "run";
  fs::create_directories(run_dir);
  std::string url = "file://" + (world.published() / "metadata").string();
  auto config = write_file_atomically(run_dir / "kiosk.toml", config_for(world, url));
  REQUIRE(config);

  {
    ChildProcess kiosk(
        {SHUBBAK_RUNTIME_BIN, "--headless", "--config", (run_dir / "kiosk.toml").string()},
        run_dir);
    bool ready = kiosk.wait_for_stderr("service set 1 ready (1 bundles)", 20s);
    INFO(kiosk.stderr_text());
    CHECK(ready);
    // Until then it offered nothing: never the unsigned bundles shipped in assets.
    CHECK(kiosk.stderr_text().find("no verified service set is installed yet") !=
          std::string::npos);
    CHECK(kiosk.stderr_text().find("out of service: out_of_service.no_services") !=
          std::string::npos);
    kiosk.signal(SIGTERM);
    CHECK(kiosk.wait(20s) == 0);
  }
  CHECK(*read_whole_file(run_dir / "data" / "services" / "current" / "passport.json", 1024) ==
        R"({"id":"passport","version":"3"})");

  // A frozen repository: refused with the role and the reason; the kiosk keeps its set.
  REQUIRE(world.repo().set_expiry("timestamp", trust::system_unix_time() - 3600));
  world.add_target("services/passport.json", R"({"id":"passport","version":"4"})");
  {
    ChildProcess kiosk(
        {SHUBBAK_RUNTIME_BIN, "--headless", "--config", (run_dir / "kiosk.toml").string()},
        run_dir);
    bool refused =
        kiosk.wait_for_stderr("service update refused: integrity: timestamp: version", 20s);
    INFO(kiosk.stderr_text());
    CHECK(refused);
    CHECK(kiosk.stderr_text().find("freeze attack") != std::string::npos);
    kiosk.signal(SIGTERM);
    CHECK(kiosk.wait(20s) == 0);
  }
  CHECK(*read_whole_file(run_dir / "data" / "services" / "current" / "passport.json", 1024) ==
        R"({"id":"passport","version":"3"})");
}
