// The uploader against the real portal when stored bytes are bad, and how it wakes: a record or
// id that is not UTF-8 (which made the JSON encoder throw and the kiosk abort at every start) is
// quarantined locally with its reason and audited while the rest flows; each commit wakes the
// uploader (the recheck is an hour here), and a backoff is not cut short by commits.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "kiosk/sync/outbox_uploader.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/portal/upload_wait.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

TEST_CASE(
    "records whose bytes cannot be encoded are quarantined and audited; the others reach the "
    "portal") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto store = kiosk.open();
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(store->commit(sample_draft(i))->id);
  {
    // Bytes that are not UTF-8 in the third record's payload and in the fifth record's id, as a
    // failing disk or an older build could leave them. SQLite stores TEXT as given.
    auto db = sqlite::Database::open(kiosk.db_path(), SQLITE_OPEN_READWRITE);
    REQUIRE(
        db->exec("UPDATE journal SET record = replace(record, 'APPROVAL-2', 'APPROVAL-' || "
                 "CAST(X'FF' AS TEXT)) WHERE sequence = 3"));
    REQUIRE(db->changes() == 1);
    REQUIRE(db->exec("UPDATE journal SET id = id || CAST(X'C3' AS TEXT) WHERE sequence = 5"));
    REQUIRE(db->changes() == 1);
  }

  auto uploader = OutboxUploader::start(fast_upload_options(portal.url()), *store, kiosk.key(),
                                        portal.kiosk_client(), Log(kiosk.logger(), "upload"));
  REQUIRE(uploader);
  REQUIRE(wait_until_drained(*store, 20s));
  (*uploader)->stop();

  CHECK(portal.stored_transactions() == 4);
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE sequence IN (3, 5)") == 0);
  auto quarantined = store->quarantined();
  REQUIRE(quarantined);
  REQUIRE(quarantined->size() == 2);
  CHECK(quarantined->at(0).sequence == 3);
  CHECK(quarantined->at(0).reason.starts_with("not sent: its record is not valid UTF-8 (byte "));
  CHECK(quarantined->at(1).sequence == 5);
  CHECK(quarantined->at(1).reason == "not sent: its id is not valid UTF-8 (byte 36)");
  auto db = sqlite::Database::open(kiosk.db_path(), SQLITE_OPEN_READONLY);
  CHECK(db->query_int("SELECT count(*) FROM audit WHERE kind = 'upload.unencodable' AND "
                      "json_extract(detail, '$.sequence') IN (3, 5)")
            .value_or(0) == 2);
  auto audit = store->verify_audit();
  REQUIRE(audit);
  CHECK_FALSE(audit->broken);
  // The heartbeat still goes out and counts them.
  CHECK(store->health()->quarantined == 2);
}

TEST_CASE("each commit wakes the uploader: no waiting for a recheck") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto store = kiosk.open();
  auto options = fast_upload_options(portal.url());
  options.idle_recheck = std::chrono::hours(1);  // without the wake-up, nothing for an hour
  options.heartbeat_interval = std::chrono::hours(1);
  auto uploader = OutboxUploader::start(options, *store, kiosk.key(), portal.kiosk_client(),
                                        Log(kiosk.logger(), "upload"));
  REQUIRE(uploader);
  // Let the first turn (heartbeat, empty outbox) finish so the uploader is idle.
  for (int i = 0; i < 500 && portal.query_int("SELECT count(*) FROM heartbeats") == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(portal.query_int("SELECT count(*) FROM heartbeats") == 1);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    REQUIRE(store->commit(sample_draft(round)));
    REQUIRE(wait_until_drained(*store, 20s));
  }
  CHECK(portal.stored_transactions() == 3);
  (*uploader)->stop();
}

TEST_CASE("while backing off after a failure, commits do not cut the wait short") {
  StoreFixture kiosk;
  auto store = kiosk.open();
  PortalFixture portal;
  std::string url = portal.url();
  portal.stop();  // the network is down

  auto options = fast_upload_options(url);
  options.backoff_initial = std::chrono::minutes(1);
  options.backoff_max = std::chrono::minutes(1);
  std::atomic<int> turns{0}, failures{0};
  REQUIRE(store->commit(sample_draft(0)));
  auto uploader =
      OutboxUploader::start(options, *store, kiosk.key(), portal.kiosk_client(),
                            Log(kiosk.logger(), "upload"), {}, [&](const UploadStatus& status) {
                              ++turns;
                              if (!status.last_error.empty()) ++failures;
                            });
  REQUIRE(uploader);
  for (int i = 0; i < 1000 && failures.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(failures.load() == 1);
  int after_failure = turns.load();
  for (int i = 1; i < 20; ++i) REQUIRE(store->commit(sample_draft(i)));
  std::this_thread::sleep_for(500ms);
  CHECK(turns.load() == after_failure);  // still waiting out the backoff (30 to 60 s)
  CHECK(store->health()->queue_depth == 20);
  (*uploader)->stop();  // and stopping does not wait for it
}
