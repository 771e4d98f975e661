// The portal under slow clients while a real kiosk keeps uploading: 32 slow clients from four
// loopback addresses (four times what used to stop every handshake) hold connections in every
// slow way for about ten seconds, and the kiosk's uploader stores every transaction anyway.
// Bounded: the swarm stops itself after its time, and the whole case takes well under 30 s.
#include <doctest/doctest.h>

#include <thread>

#include "kiosk/sync/outbox_uploader.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/portal/upload_wait.hpp"
#include "tests/integration/store/store_fixture.hpp"
#include "tests/support/slow_clients.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

TEST_CASE("slow clients cannot starve a real kiosk uploader") {
  PortalFixture portal({"--handshake-timeout-ms", "2000", "--header-timeout-ms", "2000",
                        "--idle-timeout-ms", "2000"});
  SlowClientOptions slow;
  slow.server.port = std::stoi(portal.url().substr(portal.url().rfind(':') + 1));
  slow.server.ca_file = portal.pki().ca_cert();
  slow.server.client_cert = portal.client_cert().cert;
  slow.server.client_key = portal.client_cert().key;
  slow.source_addresses = {"127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"};
  slow.clients = 32;
  slow.step = 200ms;

  StoreFixture kiosk;
  auto store = kiosk.open();
  auto uploader = OutboxUploader::start(fast_upload_options(portal.url()), *store, kiosk.key(),
                                        portal.kiosk_client(), Log(kiosk.logger(), "upload"));
  REQUIRE(uploader);
  constexpr int k_transactions = 50;
  std::size_t holding_seen = 0;
  {
    SlowClientSwarm swarm(slow);
    // A transaction every 200 ms for 10 s, while the swarm holds its connections.
    for (int i = 0; i < k_transactions; ++i) {
      REQUIRE(store->commit(sample_draft(i)));
      (*uploader)->notify();
      std::this_thread::sleep_for(200ms);
      holding_seen = std::max(holding_seen, swarm.holding());
    }
    REQUIRE(wait_until_drained(*store, 10s));
    INFO("slow connections made: " << swarm.connected()
                                   << ", cut off by the portal: " << swarm.cut_off());
    // The slow clients really were there, and really were cut off at the deadlines.
    CHECK(holding_seen >= 24);
    CHECK(swarm.cut_off() >= 32);
  }
  (*uploader)->stop();
  CHECK(portal.stored_transactions() == k_transactions);
  CHECK(store->quarantined()->empty());
}
