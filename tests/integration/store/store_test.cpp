// The transaction store on a real SQLite file: durable commits, the outbox, quarantine,
// retention, clock jumps and migrations.
#include <doctest/doctest.h>

#include <set>

#include "kiosk/core/messages.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/store/uuid7.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {
std::int64_t count(const std::filesystem::path& db_path, const std::string& sql) {
  auto db = sqlite::Database::open(db_path, SQLITE_OPEN_READWRITE);
  REQUIRE(db);
  auto value = db->query_int(sql);
  REQUIRE_MESSAGE(value, (value ? "" : value.error().message));
  return *value;
}
}  // namespace

TEST_CASE(
    "a commit writes the journal row, the outbox row and the audit entry, signed and durable") {
  StoreFixture f;
  std::string id;
  {
    auto store = f.open();
    auto record = store->commit(sample_draft(1));
    REQUIRE(record);
    id = record->id;
    CHECK(is_uuid7(record->id));
    CHECK(record->sequence == 1);
    CHECK(record->kiosk_id == "kiosk-7");
    CHECK(record->wall_ms == f.wall_ms().load());
    CHECK(record->boot_id == read_boot_id());
    CHECK(record->amount == Money{1251, "OMR"});
    CHECK(verify_ed25519(f.key().public_key(), as_bytes(record->canonical), record->signature));
    CHECK(record->canonical.find("\"currency\":\"OMR\"") != std::string::npos);
    CHECK(record->canonical.find("\"minor_units\":1251") != std::string::npos);
  }
  // The settings that make it durable, as the file says.
  auto db = sqlite::Database::open(f.db_path(), SQLITE_OPEN_READWRITE);
  REQUIRE(db);
  CHECK(db->query_text("PRAGMA journal_mode").value_or("") == "wal");
  CHECK(count(f.db_path(), "SELECT count(*) FROM journal") == 1);
  CHECK(count(f.db_path(), "SELECT count(*) FROM outbox WHERE state = 'pending'") == 1);
  CHECK(count(f.db_path(),
              "SELECT count(*) FROM audit WHERE kind = 'transaction.submit' AND detail LIKE '%" +
                  id + "%'") == 1);

  // Reopened: the record is there, and sequences continue rather than restart.
  auto store = f.open();
  auto found = store->find(id);
  REQUIRE(found);
  CHECK(verify_ed25519(f.key().public_key(), as_bytes(found->canonical), found->signature));
  auto next = store->commit(sample_draft(2));
  REQUIRE(next);
  CHECK(next->sequence == 2);
  auto audit = store->verify_audit();
  REQUIRE(audit);
  CHECK_FALSE(audit->broken);
  CHECK(audit->entries >= 4);  // two opens, two submits
}

TEST_CASE(
    "drafts with card numbers, unknown currencies or missing ids are refused and nothing is "
    "stored") {
  StoreFixture f;
  auto store = f.open();
  auto with_pan = sample_draft();
  with_pan.fields.emplace_back("note", "card 4111 1111 1111 1111");
  auto refused = store->commit(with_pan);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_argument);
  CHECK(refused.error().message.find("4111") == std::string::npos);  // never echoed

  auto bad_currency = sample_draft();
  bad_currency.amount.currency = "XXX";
  CHECK_FALSE(store->commit(bad_currency));
  auto no_service = sample_draft();
  no_service.service_id.clear();
  CHECK_FALSE(store->commit(no_service));
  CHECK(count(f.db_path(), "SELECT count(*) FROM journal") == 0);
  // A sequence number is never burnt by a refused draft.
  auto ok = store->commit(sample_draft());
  REQUIRE(ok);
  CHECK(ok->sequence == 1);
}

TEST_CASE("the outbox hands out batches in sequence order; results mark sent or quarantine") {
  StoreFixture f;
  auto store = f.open();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(store->commit(sample_draft(i))->id);
  auto batch = store->next_batch(5);
  REQUIRE(batch);
  REQUIRE(batch->size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(batch->at(i).sequence == static_cast<std::int64_t>(i + 1));
    CHECK(batch->at(i).id == ids[i]);
  }
  REQUIRE(store->apply_results(
      {{ids[0], UploadOutcome::accepted, ""},
       {ids[1], UploadOutcome::duplicate, ""},
       {ids[2], UploadOutcome::rejected, "device signature does not verify"}}));
  auto next = store->next_batch(100);
  REQUIRE(next);
  REQUIRE(next->size() == 4);  // 3 (index 3) onwards; the quarantined one does not block them
  CHECK(next->front().id == ids[3]);

  auto quarantined = store->quarantined();
  REQUIRE(quarantined);
  REQUIRE(quarantined->size() == 1);
  CHECK(quarantined->front().id == ids[2]);
  CHECK(quarantined->front().reason == "device signature does not verify");
  CHECK(count(f.db_path(), "SELECT count(*) FROM audit WHERE kind = 'upload.rejected'") == 1);
  auto health = store->health();
  REQUIRE(health);
  CHECK(health->queue_depth == 4);
  CHECK(health->quarantined == 1);
  CHECK(health->last_sequence == 7);

  // A technician puts it back in the queue, in its place by sequence.
  REQUIRE(store->requeue(ids[2]));
  CHECK(store->next_batch(1)->front().id == ids[2]);
  CHECK_FALSE(store->requeue(ids[2]));  // no longer quarantined
  CHECK_FALSE(store->verify_audit()->broken);
}

TEST_CASE("clock jumps change neither order nor ids: the sequence decides") {
  StoreFixture f;
  auto store = f.open();
  auto first = store->commit(sample_draft(1));
  f.wall_ms() -= 3'600'000;  // the wall clock steps back an hour (NTP correction, RTC reset)
  auto second = store->commit(sample_draft(2));
  f.wall_ms() += 86'400'000;  // and forward a day
  auto third = store->commit(sample_draft(3));
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(third);
  CHECK(second->wall_ms < first->wall_ms);
  CHECK(first->sequence < second->sequence);
  CHECK(second->sequence < third->sequence);
  CHECK(first->id < second->id);  // the UUIDv7 generator never goes backwards
  auto batch = store->next_batch(10);
  REQUIRE(batch->size() == 3);
  CHECK(batch->at(0).id == first->id);
  CHECK(batch->at(1).id == second->id);
  CHECK(batch->at(2).id == third->id);
}

TEST_CASE(
    "retention purges acknowledged records older than N days, never pending or quarantined ones") {
  StoreFixture f;
  auto store = f.open();
  auto old_sent = store->commit(sample_draft(1))->id;
  auto old_pending = store->commit(sample_draft(2))->id;
  auto old_rejected = store->commit(sample_draft(3))->id;
  REQUIRE(store->apply_results(
      {{old_sent, UploadOutcome::accepted, ""}, {old_rejected, UploadOutcome::rejected, "x"}}));
  f.wall_ms() += 29LL * 86'400'000;
  auto recent_sent = store->commit(sample_draft(4))->id;
  REQUIRE(store->apply_results({{recent_sent, UploadOutcome::accepted, ""}}));

  auto none = store->purge_acknowledged(std::chrono::days(30));
  REQUIRE(none);
  CHECK(*none == 0);
  f.wall_ms() += 2LL * 86'400'000;  // old_sent is now 31 days acknowledged, recent_sent 2 days
  auto purged = store->purge_acknowledged(std::chrono::days(30));
  REQUIRE(purged);
  CHECK(*purged == 1);
  CHECK_FALSE(store->find(old_sent));
  CHECK(store->find(old_pending));
  CHECK(store->find(old_rejected));
  CHECK(store->find(recent_sent));
  CHECK(count(f.db_path(), "SELECT count(*) FROM outbox") == 3);
  // The audit log keeps everything, including the purge itself.
  CHECK(count(f.db_path(), "SELECT count(*) FROM audit WHERE kind = 'retention.purge'") == 1);
  CHECK_FALSE(store->verify_audit()->broken);
  // Sequences never restart after a purge.
  CHECK(store->commit(sample_draft(5))->sequence == 5);
}

TEST_CASE("audit events are appended to the same chain") {
  StoreFixture f;
  auto store = f.open();
  REQUIRE(store->record_event(audit_kind::session_start, R"({"language":"ar"})"));
  REQUIRE(store->commit(sample_draft()));
  REQUIRE(store->record_event(audit_kind::print, R"({"copies":1})"));
  REQUIRE(store->record_event(audit_kind::session_end, R"({"reason":"done"})"));
  auto report = store->verify_audit();
  REQUIRE(report);
  CHECK_FALSE(report->broken);
  CHECK(report->entries == 5);
  auto health = store->health();
  CHECK(health->audit_head_seq == 5);
  CHECK(health->audit_head_hash == report->head_hash);
}

TEST_CASE("migrations: a new file gets the current schema; a newer schema is refused untouched") {
  StoreFixture f;
  { f.open(); }
  {
    auto db = sqlite::Database::open(f.db_path(), SQLITE_OPEN_READWRITE);
    CHECK(db->query_int("PRAGMA user_version").value_or(0) == 3);
    REQUIRE(db->exec("PRAGMA user_version = 99"));
  }
  auto refused = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::unsupported);
  CHECK(std::filesystem::exists(f.db_path()));  // not moved aside: it is not corrupt
}

TEST_CASE("every out-of-service reason has its citizen text in Arabic and English") {
  auto messages =
      Messages::load(std::filesystem::path(SHUBBAK_ASSETS_DIR) / "i18n" / "messages.toml");
  REQUIRE_MESSAGE(messages, (messages ? "" : messages.error().describe()));
  for (auto reason :
       {OutOfServiceReason::storage_full, OutOfServiceReason::storage_corrupt,
        OutOfServiceReason::storage_unavailable, OutOfServiceReason::storage_missing}) {
    std::string key(message_key(reason));
    CAPTURE(key);
    CHECK(messages->contains(key));
    CHECK(messages->get(key, Language::ar) != messages->get(key, Language::en));
  }
}
