// The demo's free service end to end: the real `shubbak` binary walks the demo's citizens
// (among them the Jordanian health-centre appointment, a free service: no payment) into its
// journal, then uploads them over mutual TLS to the real portal, which stores every one; the
// free appointment arrives with "no payment" exactly as the record format defines it.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "kiosk/store/sqlite.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

TEST_CASE("the demo's free health appointment reaches the portal from the real kiosk") {
  PortalFixture portal;
  TempDir dir;
  auto config = dir.write("kiosk.toml",
                          "[kiosk]\nid = \"kiosk-7\"\ndata_dir = \"data\"\n[portal]\nurl = \"" +
                              portal.url() + "\"\nca_file = \"" + portal.pki().ca_cert().string() +
                              "\"\nclient_cert = \"" + portal.client_cert().cert.string() +
                              "\"\nclient_key = \"" + portal.client_cert().key.string() + "\"\n");
  {
    ChildProcess demo({SHUBBAK_RUNTIME_BIN, "--demo", "--headless", "--config", config.string(),
                       "--out", (dir / "shots").string()},
                      dir.path());
    auto code = demo.wait(120s);
    INFO(demo.stderr_text());
    REQUIRE(code == 0);
  }
  auto kiosk_count = [&](const std::string& sql) {
    auto db = sqlite::Database::open(dir / "data/journal.db", SQLITE_OPEN_READONLY);
    return db ? db->query_int(sql).value_or(-1) : -1;
  };
  REQUIRE(kiosk_count("SELECT count(*) FROM journal") == 4);
  // Whatever the demo did not upload yet, the kiosk uploads on its next start.
  // Its own output directory: the demo's stderr stays readable beside the kiosk's.
  std::filesystem::create_directories(dir / "kiosk-run");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()},
                     dir / "kiosk-run");
  // The demo may have uploaded all four already; SIGTERM must not race the kiosk's start.
  REQUIRE(kiosk.wait_for_stderr("on kiosk kiosk-7", 60s));
  bool uploaded = false;
  for (int i = 0; i < 3000 && !uploaded; ++i) {
    uploaded = kiosk_count("SELECT count(*) FROM outbox WHERE state = 'sent'") == 4;
    if (!uploaded) std::this_thread::sleep_for(10ms);
  }
  kiosk.signal(SIGTERM);
  auto stop_code = kiosk.wait(30s);
  INFO(kiosk.stderr_text());
  INFO(portal.log());
  CHECK(stop_code == 0);  // a stop under load may take a while; it must still be clean
  CHECK(uploaded);
  CHECK(kiosk_count("SELECT count(*) FROM outbox WHERE state = 'quarantined'") == 0);
  CHECK(portal.stored_transactions() == 4);
  // The free appointment, stored as the kiosk signed it: no payment is {"currency":"",
  // "minor_units":0} with no payment reference.
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE kiosk_id = 'kiosk-7' AND "
                         "json_extract(record, '$.service.id') = 'jordan.health.appointment' AND "
                         "json_extract(record, '$.amount.currency') = '' AND "
                         "json_extract(record, '$.amount.minor_units') = 0 AND "
                         "json_extract(record, '$.payment_reference') = ''") == 1);
  // The paid ones arrive too, with their money.
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE "
                         "json_extract(record, '$.amount.currency') = 'OMR'") == 3);
}
