// What the heartbeat tells the portal is what the kiosk's screen says: the real `shubbak`, out of
// service because no verified service set is installed yet (its repository serves nothing),
// reports that reason to the real portal, not null. And a kiosk whose configured id is not the
// one in its certificate logs the portal's reason for refusing its heartbeat, not a bare status.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

#include "kiosk/crypto/pin_hash.hpp"
#include "provisioning/shubbakctl/repository.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

std::string kiosk_config(PortalFixture& portal, const std::string& kiosk_id,
                         const std::filesystem::path& root) {
  return fmt::format(
      "[kiosk]\nid = \"{}\"\ndata_dir = \"data\"\n"
      "[portal]\nurl = \"{}\"\nca_file = \"{}\"\nclient_cert = \"{}\"\nclient_key = \"{}\"\n"
      "heartbeat_seconds = 5\n"
      "[updates]\nmetadata_url = \"{}/repository/metadata\"\n"
      "targets_url = \"{}/repository/targets\"\ntrusted_root = \"{}\"\n"
      "ca_file = \"{}\"\nclient_cert = \"{}\"\nclient_key = \"{}\"\n",
      kiosk_id, portal.url(), portal.pki().ca_cert().string(), portal.client_cert().cert.string(),
      portal.client_cert().key.string(), portal.url(), portal.url(), root.string(),
      portal.pki().ca_cert().string(), portal.client_cert().cert.string(),
      portal.client_cert().key.string());
}

}  // namespace

TEST_CASE("the heartbeat carries the out-of-service reason the screen shows") {
  PortalFixture portal;
  TempDir dir;
  auto repository = repo::Repository::init(dir / "repo", dir / "keys", {});
  REQUIRE(repository);
  auto config =
      dir.write("kiosk.toml", kiosk_config(portal, "kiosk-7", dir / "repo/metadata/root.json"));
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path());
  REQUIRE(kiosk.wait_for_stderr("on kiosk kiosk-7", 60s));
  const std::string reported =
      "SELECT count(*) FROM heartbeats WHERE kiosk_id = 'kiosk-7' AND "
      "json_extract(body, '$.out_of_service') = 'out_of_service.no_services'";
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    seen = portal.query_int(reported) == 1;
    if (!seen) std::this_thread::sleep_for(50ms);
  }
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(30s) == 0);
  INFO(kiosk.stderr_text());
  CHECK(kiosk.stderr_text().find("out of service: out_of_service.no_services") !=
        std::string::npos);
  CHECK(seen);
  // The store itself is fine: before, this heartbeat said out_of_service: null.
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats WHERE "
                         "json_extract(body, '$.out_of_service') IS NULL") == 0);
}

TEST_CASE("a refused heartbeat is logged with the portal's reason") {
  PortalFixture portal;
  TempDir dir;
  auto repository = repo::Repository::init(dir / "repo", dir / "keys", {});
  REQUIRE(repository);
  // Configured as kiosk-8, but its certificate says kiosk-7.
  auto config =
      dir.write("kiosk.toml", kiosk_config(portal, "kiosk-8", dir / "repo/metadata/root.json"));
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path());
  bool logged =
      kiosk.wait_for_stderr("heartbeat refused: HTTP 403: heartbeat names another kiosk", 30s);
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(30s) == 0);
  INFO(kiosk.stderr_text());
  CHECK(logged);
}

TEST_CASE("the technician sees the portal and the repository apart, a status only where wrong") {
  PortalFixture portal;  // it serves an empty repository directory: every metadata GET is 404
  TempDir dir;
  auto repository = repo::Repository::init(dir / "repo", dir / "keys", {});
  REQUIRE(repository);
  auto hash = hash_pin("864209", {10, 8, 1});
  REQUIRE(hash);
  std::filesystem::create_directories(dir / "usb");
  auto config =
      dir.write("kiosk.toml",
                kiosk_config(portal, "kiosk-7", dir / "repo/metadata/root.json") +
                    fmt::format("[technician]\nexport_dir = \"usb\"\npin_hash = \"{}\"\n", *hash));
  std::string script;  // out of service (no services yet): the gesture works on its notice
  for (int i = 0; i < 5; ++i) script += "tap @technician_corner\n";
  for (char digit : std::string("864209")) script += fmt::format("tap @pin:{}\n", digit);
  script +=
      "tap @pin:enter\nwait 2000\ntap @action:export\nwait 2000\nshot technician\n"
      "tap @action:logout\n";
  auto script_file = dir.write("script.txt", script);
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script_file.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto code = kiosk.wait(60s);
  std::string log = kiosk.stderr_text();
  INFO(log);
  REQUIRE(code == 0);
  std::string report;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "usb")) {
    std::ifstream in(entry.path() / "diagnostics.txt");
    report.assign(std::istreambuf_iterator<char>(in), {});
  }
  INFO(report);
  // The portal answers (its 404 for "/" is its normal answer: no status shown for it) ...
  CHECK(report.find("portal: reachable (") != std::string::npos);
  CHECK(report.find("portal: reachable (HTTP") == std::string::npos);
  // ... and the repository, on its own line, does not: with the status and the reason.
  CHECK(report.find("repository: refused after ") != std::string::npos);
  CHECK(report.find("HTTP 404") != std::string::npos);
  CHECK(log.find("the service repository is not available: HTTP 404") != std::string::npos);
}
