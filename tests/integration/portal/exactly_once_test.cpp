// Exactly once, against the real portal over loopback mutual TLS: replies lost after the portal
// committed, duplicated and reordered batches, and a kiosk killed mid-batch all end with exactly
// one portal record per transaction.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/sync/outbox_uploader.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/portal/upload_wait.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

std::int64_t kiosk_count(const std::filesystem::path& db_path, const std::string& sql) {
  auto db = sqlite::Database::open(db_path, SQLITE_OPEN_READWRITE);
  REQUIRE(db);
  return db->query_int(sql).value_or(-1);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("replies cut off after the portal committed: the batches are resent and stored once") {
  PortalFixture portal({"--drop-replies-after-commit", "2"});
  StoreFixture kiosk;
  auto store = kiosk.open();
  for (int i = 0; i < 250; ++i) REQUIRE(store->commit(sample_draft(i)));

  auto uploader = OutboxUploader::start(fast_upload_options(portal.url()), *store, kiosk.key(),
                                        portal.kiosk_client(), Log(kiosk.logger(), "upload"));
  REQUIRE(uploader);
  REQUIRE(wait_until_drained(*store, std::chrono::seconds(30)));
  (*uploader)->stop();

  CHECK(occurrences(portal.log(), "cutting off the reply") == 2);
  CHECK(portal.stored_transactions() == 250);
  CHECK(portal.query_int("SELECT count(DISTINCT id) FROM transactions") == 250);
  // The first batch was stored, its reply lost; the resend was found duplicate and its reply
  // lost too; the third send's reply came through: 100 duplicates, never a second record.
  CHECK(kiosk_count(kiosk.db_path(),
                    "SELECT count(*) FROM outbox WHERE portal_result = 'duplicate'") == 100);
  CHECK(kiosk_count(kiosk.db_path(),
                    "SELECT count(*) FROM outbox WHERE portal_result = 'accepted'") == 150);
  CHECK(kiosk_count(kiosk.db_path(), "SELECT count(*) FROM outbox WHERE state = 'sent'") == 250);
}

TEST_CASE("duplicate, reordered and conflicting batches: idempotent by transaction id") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto store = kiosk.open();
  for (int i = 0; i < 20; ++i) REQUIRE(store->commit(sample_draft(i)));
  auto items = *store->next_batch(20);
  auto client = portal.kiosk_client();
  std::string url = portal.url() + "/api/v1/transactions";
  auto post = [&](std::vector<OutboxItem> batch_items) {
    portal_protocol::Batch batch{"kiosk-7", base64_encode(kiosk.key().public_key()),
                                 std::move(batch_items)};
    auto response =
        client->post_json(url, portal_protocol::encode_batch(batch), std::chrono::seconds(10));
    REQUIRE_MESSAGE(response, (response ? "" : response.error().describe()));
    auto results = portal_protocol::decode_results(response->body);
    REQUIRE(results);
    return std::pair{response->status, *results};
  };
  auto outcomes = [](const std::vector<UploadResult>& results, UploadOutcome outcome) {
    return std::count_if(results.begin(), results.end(),
                         [&](const auto& r) { return r.outcome == outcome; });
  };

  std::vector<OutboxItem> first_half(items.begin(), items.begin() + 10);
  auto [status1, results1] = post(first_half);
  CHECK(status1 == 200);
  CHECK(outcomes(results1, UploadOutcome::accepted) == 10);

  auto [status2, results2] = post(first_half);  // the same batch again
  CHECK(status2 == 200);
  CHECK(outcomes(results2, UploadOutcome::duplicate) == 10);

  std::vector<OutboxItem> reversed(items.rbegin(), items.rend());  // all 20, newest first
  auto [status3, results3] = post(reversed);
  CHECK(status3 == 200);
  CHECK(outcomes(results3, UploadOutcome::accepted) == 10);
  CHECK(outcomes(results3, UploadOutcome::duplicate) == 10);
  REQUIRE(results3.size() == 20);
  CHECK(results3.front().id == items.back().id);  // results follow the request's order
  CHECK(portal.stored_transactions() == 20);

  // The same id with another payload, validly signed: 422, and the stored record is untouched.
  OutboxItem conflicting = items[3];
  auto parsed = parse_record(conflicting.record);
  REQUIRE(parsed);
  parsed->amount.minor_units += 1000;
  conflicting.record = canonical_json(*parsed);
  conflicting.signature = base64_encode(*kiosk.key().sign(conflicting.record));
  auto [status4, results4] = post({conflicting});
  CHECK(status4 == 422);
  REQUIRE(results4.size() == 1);
  CHECK(results4[0].outcome == UploadOutcome::rejected);
  CHECK(results4[0].reason.find("conflict") != std::string::npos);
  CHECK(portal.stored_transactions() == 20);
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE record_sha256 = '" +
                         to_hex(sha256(items[3].record)) + "'") == 1);
}

TEST_CASE(
    "a kiosk killed while its batch is committed but unacknowledged resends it: one record each") {
  PortalFixture portal({"--reply-delay-ms", "300"});
  StoreFixture kiosk;
  {
    auto store = kiosk.open();
    for (int i = 0; i < 300; ++i) REQUIRE(store->commit(sample_draft(i)));
  }
  auto upload_args = [&] {
    return std::vector<std::string>{SHUBBAK_STORE_TOOL,
                                    "upload",
                                    kiosk.dir().path().string(),
                                    portal.url(),
                                    portal.pki().ca_cert().string(),
                                    portal.client_cert().cert.string(),
                                    portal.client_cert().key.string()};
  };
  std::filesystem::create_directories(kiosk.dir() / "child");
  int kills_after_commit = 0;
  for (int round = 0; round < 3; ++round) {
    std::size_t batches_before = occurrences(portal.log(), "batch from kiosk-7");
    ChildProcess uploader(upload_args(), kiosk.dir() / "child");
    // The portal logs a batch once it is durable, then waits before replying: kill in between.
    bool committed = false;
    for (int i = 0; i < 1000 && !committed; ++i) {
      committed = occurrences(portal.log(), "batch from kiosk-7") > batches_before;
      if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    uploader.signal(SIGKILL);
    uploader.wait(std::chrono::seconds(10));
    if (committed) ++kills_after_commit;
  }
  CHECK(kills_after_commit == 3);
  CHECK(kiosk_count(kiosk.db_path(), "SELECT count(*) FROM outbox WHERE state = 'sent'") == 0);
  CHECK(portal.stored_transactions() == 100);  // the first batch, stored once despite three sends

  ChildProcess finisher(upload_args(), kiosk.dir() / "child");
  REQUIRE(finisher.wait(std::chrono::seconds(60)) == 0);
  CHECK(portal.stored_transactions() == 300);
  CHECK(portal.query_int("SELECT count(DISTINCT id) FROM transactions") == 300);
  CHECK(kiosk_count(kiosk.db_path(), "SELECT count(*) FROM outbox WHERE state = 'sent'") == 300);
  CHECK(kiosk_count(kiosk.db_path(),
                    "SELECT count(*) FROM outbox WHERE portal_result = 'duplicate'") == 100);
  // Every portal record is the kiosk's record, byte for byte.
  CHECK(portal.query_int("SELECT min(sequence) FROM transactions") == 1);
  CHECK(portal.query_int("SELECT max(sequence) FROM transactions") == 300);
}
