// shubbak-fleet-sim against the real portal: every transaction it counts as stored is stored,
// each simulated kiosk is a kiosk of its own to the portal (its certificate's CN), heartbeats are
// version 2, and the faults show: printers out of paper, and kiosks that went dark.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/portal/portal_fixture.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;

TEST_CASE("the fleet simulator's kiosks are real kiosks to the portal, faults included") {
  // All simulated kiosks come from 127.0.0.1; real ones each have an address of their own.
  PortalFixture portal({"--max-connections-per-address", "64"});
  std::filesystem::create_directories(portal.dir() / "sim-out");
  ChildProcess sim({SHUBBAK_FLEET_SIM_BIN,
                    "--portal",
                    portal.url(),
                    "--server-ca",
                    portal.pki().ca_cert().string(),
                    "--kiosk-ca",
                    portal.pki().ca_cert().string(),
                    "--kiosk-ca-key",
                    portal.pki().ca_key().string(),
                    "--state",
                    (portal.dir() / "sim-state").string(),
                    "--kiosks",
                    "20",
                    "--tx-rate",
                    "10",
                    "--batch",
                    "5",
                    "--heartbeat-seconds",
                    "1",
                    "--duration",
                    "4",
                    "--threads",
                    "4",
                    "--paper-out",
                    "0.25",
                    "--dark",
                    "0.25",
                    "--dark-after",
                    "1"},
                   portal.dir() / "sim-out");
  REQUIRE_MESSAGE(sim.wait(std::chrono::seconds(120)) == 0, sim.stderr_text());
  auto report = nlohmann::json::parse(sim.stdout_text());
  INFO(report.dump());
  CHECK(report["batches_failed"] == 0);
  CHECK(report["transactions_rejected"] == 0);
  auto accepted = report["transactions_accepted"].get<std::int64_t>();
  CHECK(accepted > 100);
  CHECK(portal.stored_transactions() == accepted);
  CHECK(portal.query_int("SELECT count(DISTINCT kiosk_id) FROM transactions") == 20);
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 20);
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats WHERE json_extract(body, '$.v') = 2") ==
        20);
  // A quarter of the kiosks are out of paper, and say so as their out-of-service reason.
  auto paper_out = portal.query_int(
      "SELECT count(*) FROM heartbeats WHERE json_extract(body, '$.devices.printer') = "
      "'media-empty' AND json_extract(body, '$.out_of_service') = 'printer_paper_out'");
  CHECK(paper_out >= 3);
  CHECK(paper_out <= 7);
  // Dark kiosks stopped after a second: their latest heartbeat is older than the others'.
  auto dark = portal.query_int(
      "SELECT count(*) FROM heartbeats WHERE received_ms < (SELECT max(received_ms) FROM "
      "heartbeats) - 1500");
  CHECK(dark >= 3);
  CHECK(dark <= 7);
}

}  // namespace
