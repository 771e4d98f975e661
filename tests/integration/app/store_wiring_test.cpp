// The real `shubbak` binary with its transaction store: a first start creates the device key
// (0600) and the journal; a corrupt journal leaves the kiosk running, out of service; with a
// portal configured, the kiosk uploads its outbox over mutual TLS on its own.
#include <signal.h>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include <thread>

#include "kiosk/store/sqlite.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::ChildProcess;

namespace {
std::string describe(const ChildProcess& child) {
  return "stderr:\n" + child.stderr_text();
}
}  // namespace

TEST_CASE("first start: a 0600 device key and an audited journal appear in the data directory") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path());
  REQUIRE_MESSAGE(kiosk.wait_for_stderr("on kiosk demo-kiosk", 30s), describe(kiosk));
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(10s) == 0);
  struct stat info {};
  REQUIRE(::stat((dir / "data/device-key.pem").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(kiosk.stderr_text().find("PRIVATE KEY") == std::string::npos);
  CHECK(kiosk.stderr_text().find("out of service") == std::string::npos);
  auto db = sqlite::Database::open(dir / "data/journal.db", SQLITE_OPEN_READONLY);
  REQUIRE(db);
  CHECK(db->query_int("SELECT count(*) FROM audit WHERE kind = 'store.opened'").value_or(0) == 1);
}

TEST_CASE("a corrupt journal: the kiosk keeps running out of service and never recreates it") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "data");
  dir.write("data/journal.db", std::string(16384, 'J'));
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  for (int start = 0; start < 2; ++start) {
    CAPTURE(start);
    ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()},
                       dir.path());
    REQUIRE_MESSAGE(kiosk.wait_for_stderr("on kiosk demo-kiosk", 30s), describe(kiosk));
    kiosk.signal(SIGTERM);
    CHECK(kiosk.wait(10s) == 0);
    CHECK(kiosk.stderr_text().find("out of service") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "data/journal.db"));
  }
  int aside = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "data")) {
    if (entry.path().filename().string().starts_with("journal.db.corrupt-")) ++aside;
  }
  CHECK(aside == 1);
}

TEST_CASE("with a portal configured the kiosk uploads its outbox and sends a heartbeat") {
  testing::PortalFixture portal;
  testing::TempDir dir;
  // Transactions taken earlier (while offline), by a real store in the kiosk's data directory.
  std::filesystem::create_directories(dir / "data" / "out");
  ChildProcess committer({SHUBBAK_STORE_TOOL, "commit", (dir / "data").string(), "25"},
                         dir / "data" / "out");
  REQUIRE(committer.wait(30s) == 0);

  auto config = dir.write("kiosk.toml",
                          "[kiosk]\nid = \"kiosk-7\"\ndata_dir = \"data\"\n[portal]\nurl = \"" +
                              portal.url() + "\"\nca_file = \"" + portal.pki().ca_cert().string() +
                              "\"\nclient_cert = \"" + portal.client_cert().cert.string() +
                              "\"\nclient_key = \"" + portal.client_cert().key.string() + "\"\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path());
  // Done when the kiosk has recorded the portal's acknowledgement of all of them.
  auto sent = [&] {
    auto db = sqlite::Database::open(dir / "data/journal.db", SQLITE_OPEN_READWRITE);
    return db ? db->query_int("SELECT count(*) FROM outbox WHERE state = 'sent'").value_or(0) : 0;
  };
  bool uploaded = false;
  for (int i = 0; i < 1000 && !uploaded; ++i) {
    uploaded = sent() == 25;
    if (!uploaded) std::this_thread::sleep_for(10ms);
  }
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(10s) == 0);
  INFO(describe(kiosk));
  CHECK(uploaded);
  CHECK(portal.stored_transactions() == 25);
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats WHERE kiosk_id = 'kiosk-7'") == 1);
  // The heartbeat says how the kiosk's devices are.
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats WHERE kiosk_id = 'kiosk-7' AND "
                         "json_extract(body, '$.devices.printer') = 'online' AND "
                         "json_extract(body, '$.devices.store') = 'online' AND "
                         "json_extract(body, '$.devices.payment_terminal') = 'online'") == 1);
}

TEST_CASE(
    "the heartbeat tells how the previous run ended, the services offered and the free disk") {
  testing::PortalFixture portal;
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "data");
  auto config = dir.write("kiosk.toml",
                          "[kiosk]\nid = \"kiosk-7\"\ndata_dir = \"data\"\n[portal]\nurl = \"" +
                              portal.url() + "\"\nca_file = \"" + portal.pki().ca_cert().string() +
                              "\"\nclient_cert = \"" + portal.client_cert().cert.string() +
                              "\"\nclient_key = \"" + portal.client_cert().key.string() + "\"\n");
  // Each run: wait for its first heartbeat (a row the history did not have), say which restart
  // cause it carried, then end the run with `stop_signal`.
  std::int64_t seen = 0;
  auto run = [&](int stop_signal) {
    ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()},
                       dir.path());
    std::string cause;
    for (int i = 0; i < 1000 && cause.empty(); ++i) {
      auto db = sqlite::Database::open(portal.dir() / "portal.db", SQLITE_OPEN_READONLY);
      if (db) {
        auto rows = db->query_int("SELECT count(*) FROM heartbeat_history");
        if (rows && *rows > seen) {
          seen = *rows;
          cause = db->query_text(
                        "SELECT json_extract(body, '$.restart_cause') FROM "
                        "heartbeat_history ORDER BY rowid DESC LIMIT 1")
                      .value_or("");
        }
      }
      if (cause.empty()) std::this_thread::sleep_for(10ms);
    }
    kiosk.signal(stop_signal);
    kiosk.wait(10s);
    return cause;
  };
  CHECK(run(SIGKILL) == "first start");
  CHECK(run(SIGTERM) == "unclean stop");
  CHECK(run(SIGTERM) == "clean stop");

  auto db = sqlite::Database::open(portal.dir() / "portal.db", SQLITE_OPEN_READONLY);
  REQUIRE(db);
  CHECK(db->query_int("SELECT json_extract(body, '$.v') FROM heartbeats").value_or(0) == 2);
  // Without a repository the kiosk offers the bundles shipped in assets: each with its version.
  std::int64_t shipped = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services"))
    shipped += entry.path().extension() == ".json" ? 1 : 0;
  CHECK(db->query_int("SELECT json_array_length(json_extract(body, '$.services.bundles')) FROM "
                      "heartbeats")
            .value_or(0) == shipped);
  CHECK(db->query_int("SELECT count(*) FROM heartbeats, json_each(json_extract(body, "
                      "'$.services.bundles')) WHERE json_extract(value, '$.id') = "
                      "'jordan.health.appointment' AND json_extract(value, '$.version') != ''")
            .value_or(0) == 1);
  CHECK(db->query_int("SELECT json_extract(body, '$.free_disk_bytes') > 0 FROM heartbeats")
            .value_or(0) == 1);
  // The kiosk's clock, sent with it: within a minute of the portal's (same machine).
  CHECK(db->query_int("SELECT abs(json_extract(body, '$.sent_ms') - received_ms) < 60000 FROM "
                      "heartbeats")
            .value_or(0) == 1);
}
