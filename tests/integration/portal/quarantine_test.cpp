// Quarantine and heartbeat against the real portal: a record the portal refuses is kept,
// audited and listed for technicians, and does not hold up the ones behind it; the uploader's
// status reaches the UI thread through the event loop.
#include <doctest/doctest.h>

#include <thread>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/sync/outbox_uploader.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/portal/upload_wait.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;

TEST_CASE(
    "a rejected transaction is quarantined without blocking the rest; status reaches the event "
    "loop") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto store = kiosk.open();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store->commit(sample_draft(i))->id);
  {
    // Someone edits the third record on disk: its signature no longer matches.
    auto db = sqlite::Database::open(kiosk.db_path(), SQLITE_OPEN_READWRITE);
    REQUIRE(db->exec(
        R"(UPDATE journal SET record = replace(record, '"minor_units":1252', '"minor_units":1') )"
        "WHERE sequence = 3"));
    REQUIRE(db->changes() == 1);
  }

  EventLoop loop;
  std::thread ui([&] { loop.run(); });
  std::vector<UploadStatus> statuses;  // UI thread only
  std::thread::id ui_thread = ui.get_id();
  bool on_ui_thread = true;
  auto options = fast_upload_options(portal.url());
  auto uploader = OutboxUploader::start(
      options, *store, kiosk.key(), portal.kiosk_client(), Log(kiosk.logger(), "upload"),
      [&loop](OutboxUploader::Task task) { loop.post(std::move(task)); },
      [&](const UploadStatus& status) {
        on_ui_thread = on_ui_thread && std::this_thread::get_id() == ui_thread;
        statuses.push_back(status);
        if (status.queue_depth == 0) loop.quit(0);
      },
      [] {
        return std::vector<std::pair<std::string, std::string>>{{"printer", "media-low"},
                                                                {"card", "online"}};
      });
  REQUIRE(uploader);
  REQUIRE(wait_until_drained(*store, std::chrono::seconds(20)));
  ui.join();  // the loop quits once it saw an empty queue
  (*uploader)->stop();

  CHECK(on_ui_thread);
  REQUIRE_FALSE(statuses.empty());
  CHECK(statuses.back().queue_depth == 0);
  CHECK(statuses.back().quarantined == 1);
  CHECK(statuses.back().uploaded == 4);
  CHECK(statuses.back().portal_reachable);

  auto quarantined = store->quarantined();
  REQUIRE(quarantined);
  REQUIRE(quarantined->size() == 1);
  CHECK(quarantined->front().id == ids[2]);
  CHECK(quarantined->front().reason == "device signature does not verify");
  CHECK(portal.stored_transactions() == 4);
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE sequence = 3") == 0);
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE sequence > 3") ==
        2);  // not blocked
  auto audit = store->verify_audit();
  REQUIRE(audit);
  CHECK_FALSE(audit->broken);
  auto db = sqlite::Database::open(kiosk.db_path(), SQLITE_OPEN_READWRITE);
  CHECK(
      db->query_int("SELECT count(*) FROM audit WHERE kind = 'upload.rejected' AND detail LIKE '%" +
                    ids[2] + "%'")
          .value_or(0) == 1);

  // The heartbeat went out first: queue depth, device health and the audit head.
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats WHERE kiosk_id = 'kiosk-7'") == 1);
  CHECK(portal.query_int("SELECT queue_depth FROM heartbeats") == 5);
  CHECK(portal.query_int("SELECT audit_head_seq FROM heartbeats") >= 6);
  CHECK(portal.query_int(
            "SELECT count(*) FROM heartbeats WHERE body LIKE '%\"printer\":\"media-low\"%'") == 1);
}

TEST_CASE("an unreachable portal changes nothing and is retried with backoff until it is back") {
  StoreFixture kiosk;
  auto store = kiosk.open();
  for (int i = 0; i < 3; ++i) REQUIRE(store->commit(sample_draft(i)));
  PortalFixture portal;
  std::string url = portal.url();
  portal.stop();  // the network is down

  auto uploader = OutboxUploader::start(fast_upload_options(url), *store, kiosk.key(),
                                        portal.kiosk_client(), Log(kiosk.logger(), "upload"));
  REQUIRE(uploader);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(store->health()->queue_depth == 3);
  (*uploader)->stop();

  // Back on the same port with a new uploader (a restarted kiosk): everything goes through.
  auto port = url.substr(url.rfind(':') + 1);
  portal.start({"--port", port});
  REQUIRE(portal.url() == url);
  auto second = OutboxUploader::start(fast_upload_options(url), *store, kiosk.key(),
                                      portal.kiosk_client(), Log(kiosk.logger(), "upload"));
  REQUIRE(second);
  REQUIRE(wait_until_drained(*store, std::chrono::seconds(20)));
  CHECK(portal.stored_transactions() == 3);
}

TEST_CASE("large records go in smaller batches, so no batch is ever too big for the portal") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto store = kiosk.open();
  auto big = sample_draft();
  for (int f = 0; f < 150; ++f)
    big.fields.emplace_back("attachment_" + std::to_string(f), std::string(4000, 'a'));
  for (int i = 0; i < 16; ++i) REQUIRE(store->commit(big));  // about 600 KB each, 9.6 MB in all
  auto uploader = OutboxUploader::start(fast_upload_options(portal.url()), *store, kiosk.key(),
                                        portal.kiosk_client(), Log(kiosk.logger(), "upload"));
  REQUIRE(uploader);
  REQUIRE(wait_until_drained(*store, std::chrono::seconds(30)));
  (*uploader)->stop();
  CHECK(portal.stored_transactions() == 16);
  CHECK(store->quarantined()->empty());
}
