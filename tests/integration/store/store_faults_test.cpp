// Faults on a real SQLite file: a full disk (SQLite's max_page_count standing in for a small
// filesystem), a corrupt file, and tampering with the audit log.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "kiosk/store/sqlite.hpp"
#include "kiosk/store/storage_probe.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> corrupt_copies(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("journal.db.corrupt-") && !name.ends_with("-wal") &&
        !name.ends_with("-shm")) {
      found.push_back(entry.path());
    }
  }
  return found;
}

void sql(const fs::path& path, std::string_view statement) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE);
  REQUIRE(db);
  auto done = db->exec(statement);
  REQUIRE_MESSAGE(done, (done ? "" : done.error().message));
}

}  // namespace

TEST_CASE(
    "disk full: a commit that hits SQLITE_FULL is rolled back whole, and the store goes out of "
    "service") {
  StoreFixture f;
  auto options = f.options();
  options.max_page_count = 40;  // about 160 KiB
  options.min_free_bytes = 0;   // no early refusal: let SQLite itself run out of room
  auto store = f.open(options);
  std::vector<std::string> committed;
  Error last{Errc::internal, ""};
  auto big = sample_draft();
  big.fields.emplace_back("remarks", std::string(3000, 'x'));
  for (int i = 0; i < 200; ++i) {
    auto record = store->commit(big);
    if (!record) {
      last = record.error();
      break;
    }
    committed.push_back(record->id);
  }
  REQUIRE(!committed.empty());
  REQUIRE(committed.size() < 200);
  CHECK(last.code == Errc::io);
  CHECK(last.message.find("full") != std::string::npos);
  auto fault = store->out_of_service();
  REQUIRE(fault);
  CHECK(fault->reason == OutOfServiceReason::storage_full);
  CHECK(message_key(fault->reason) == "out_of_service.storage_full");
  // Nothing committed before is lost, nothing of the failed one is left.
  for (const auto& id : committed) CHECK(store->find(id));
  auto health = store->health();
  REQUIRE(health);
  CHECK(health->last_sequence == static_cast<std::int64_t>(committed.size()));
  CHECK(health->queue_depth == static_cast<std::int64_t>(committed.size()));
  CHECK_FALSE(store->verify_audit()->broken);
  store.reset();
  auto db = sqlite::Database::open(f.db_path(), SQLITE_OPEN_READWRITE);
  CHECK(db->query_text("PRAGMA integrity_check").value_or("") == "ok");
}

TEST_CASE(
    "disk nearly full: new transactions are refused before SQLite runs out, with a clear reason") {
  StoreFixture f;
  auto options = f.options();
  options.max_page_count = 64;          // 256 KiB
  options.min_free_bytes = 128 * 1024;  // keep room for what is in flight
  auto store = f.open(options);
  auto big = sample_draft();
  big.fields.emplace_back("remarks", std::string(3000, 'x'));
  int committed = 0;
  Expected<TransactionRecord> refused = std::unexpected(Error{Errc::internal, ""});
  for (int i = 0; i < 200; ++i) {
    refused = store->commit(big);
    if (!refused) break;
    ++committed;
  }
  REQUIRE_FALSE(refused);
  CHECK(committed > 0);
  CHECK(refused.error().code == Errc::io);
  CHECK(refused.error().message.starts_with("storage full:"));
  CHECK_FALSE(store->check_capacity());
  REQUIRE(store->out_of_service());
  // Refused early: SQLite never hit SQLITE_FULL, so there is still room for the audit log.
  REQUIRE(store->record_event(audit_kind::device_fault, R"({"device":"storage","status":"full"})"));

  // Once acknowledged records are purged and room comes back, service resumes.
  auto batch = store->next_batch(100);
  std::vector<UploadResult> results;
  for (const auto& item : *batch) results.push_back({item.id, UploadOutcome::accepted, ""});
  REQUIRE(store->apply_results(results));
  f.wall_ms() += 40LL * 86'400'000;
  REQUIRE(store->purge_acknowledged(std::chrono::days(30)));
  {
    // Freed pages go to the free list; the capacity check counts them as room.
    CHECK(store->check_capacity());
  }
  CHECK_FALSE(store->out_of_service());
  CHECK(store->commit(sample_draft()));
}

TEST_CASE(
    "a filesystem with less free space than the configured reserve refuses new transactions") {
  StoreFixture f;
  auto options = f.options();
  options.min_free_bytes = std::numeric_limits<std::int64_t>::max() / 2;  // more than any disk here
  auto store = f.open(options);
  auto fault = store->out_of_service();  // noticed at open already
  REQUIRE(fault);
  CHECK(fault->reason == OutOfServiceReason::storage_full);
  CHECK(fault->detail.find("bytes free on") != std::string::npos);
  auto refused = store->commit(sample_draft());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.starts_with("storage full:"));
  CHECK(store->health()->last_sequence == 0);
}

TEST_CASE(
    "a corrupt file met for the first time is detected at open, moved aside, and never silently "
    "replaced") {
  StoreFixture f;
  {
    auto store = f.open();
    for (int i = 0; i < 50; ++i) REQUIRE(store->commit(sample_draft(i)));
  }
  // Without marks the journal is new to this kiosk (an upgrade, or marks a technician removed):
  // SQLite's structural check runs before it is opened.
  fs::remove(f.db_path().string() + ".marks");
  {
    // Checkpoint into the main file, then scribble over its last page, which holds rows (a page
    // in the middle may be an empty table's, such as the receipt journal's, where nothing reads
    // the bytes past its header).
    auto db = sqlite::Database::open(f.db_path(), SQLITE_OPEN_READWRITE);
    REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  auto size = fs::file_size(f.db_path());
  REQUIRE(size > 3 * 4096);
  {
    std::fstream file(f.db_path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>((size / 4096 - 1) * 4096 + 100));
    std::string garbage(2000, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == Errc::integrity);
  CHECK(out_of_service_reason(opened.error()) == OutOfServiceReason::storage_corrupt);
  CHECK(message_key(OutOfServiceReason::storage_corrupt) == "out_of_service.storage_corrupt");
  CHECK_FALSE(fs::exists(f.db_path()));
  auto aside = corrupt_copies(f.dir().path());
  REQUIRE(aside.size() == 1);
  CHECK(fs::file_size(aside.front()) == size);  // kept whole, for a technician or forensics

  // The next start refuses too, instead of beginning an empty journal.
  auto again = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::integrity);
  CHECK(again.error().message.find("moved aside") != std::string::npos);
  CHECK_FALSE(fs::exists(f.db_path()));
}

TEST_CASE(
    "on a kiosk that has run, the integrity check after the start finds damage: out of service at "
    "once, "
    "moved aside at the next start") {
  StoreFixture f;
  {
    auto store = f.open();
    for (int i = 0; i < 50; ++i) REQUIRE(store->commit(sample_draft(i)));
  }
  { auto verified = f.open(); }  // the records are verified: no later open reads them again
  std::string bytes;
  {
    std::ifstream in(f.db_path(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto at = bytes.find("\"APPROVAL-10\"");
  REQUIRE(at != std::string::npos);
  {
    // Scribble over the b-tree page that holds record 11, header first.
    std::fstream file(f.db_path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(at / 4096 * 4096));
    std::string garbage(2000, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto store = f.open();  // start-up reads only what is new: it does not reach that page
  CHECK_FALSE(store->out_of_service());
  auto checked = store->check_integrity();
  REQUIRE_FALSE(checked);
  CHECK(checked.error().code == Errc::integrity);
  auto fault = store->out_of_service();
  REQUIRE(fault);
  CHECK(fault->reason == OutOfServiceReason::storage_corrupt);
  CHECK(fault->detail.find("moved aside at the next start") != std::string::npos);
  CHECK_FALSE(store->commit(sample_draft(99)));  // nothing more is taken
  store.reset();

  auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == Errc::integrity);
  CHECK(opened.error().message.find("failed its integrity check after the last start") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(f.db_path()));
  CHECK(corrupt_copies(f.dir().path()).size() == 1);
}

TEST_CASE("the integrity check passes on a sound journal and can be stopped") {
  StoreFixture f;
  auto store = f.open();
  for (int i = 0; i < 20; ++i) REQUIRE(store->commit(sample_draft(i)));
  CHECK(store->check_integrity());
  std::atomic<bool> stop{true};
  auto stopped = store->check_integrity(&stop);
  REQUIRE_FALSE(stopped);
  CHECK(stopped.error().code == Errc::cancelled);
  CHECK_FALSE(store->out_of_service());
}

TEST_CASE("a file that is not a database at all counts as corrupt") {
  StoreFixture f;
  f.dir().write("journal.db", std::string(8192, '\x01'));
  auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == Errc::integrity);
  CHECK(corrupt_copies(f.dir().path()).size() == 1);
}

TEST_CASE(
    "audit tampering: a flipped byte, a deleted entry and a reordering are each detected at their "
    "entry, by verify_audit() and by the next open") {
  StoreFixture f;
  // Tampering happens while the store is open (its own open verified nothing yet), through
  // another connection, as an editor of the file would.
  auto build = [&] {
    auto store = f.open();
    for (int i = 0; i < 6; ++i)
      REQUIRE(store->record_event(audit_kind::technician_login, R"({"technician":"t-1"})"));
    auto report = store->verify_audit();
    REQUIRE(report);
    REQUIRE_FALSE(report->broken);
    REQUIRE(report->entries == 7);  // store.opened + 6
    return store;
  };
  auto verify = [&](TransactionStore& store) {
    auto report = store.verify_audit();
    REQUIRE(report);
    return *report;
  };
  // The next start finds the same break, and moves the journal aside.
  auto reopen_fails_at = [&](std::int64_t seq) {
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == Errc::integrity);
    CHECK(opened.error().message.find(fmt::format("audit entry {} is damaged", seq)) !=
          std::string::npos);
    CHECK(corrupt_copies(f.dir().path()).size() == 1);
  };

  SUBCASE("flip") {
    auto store = build();
    sql(f.db_path(), R"(UPDATE audit SET detail = '{"technician":"t-2"}' WHERE seq = 4)");
    auto report = verify(*store);
    REQUIRE(report.broken);
    CHECK(report.broken->seq == 4);
    CHECK(report.broken->reason.find("altered") != std::string::npos);
    store.reset();
    reopen_fails_at(4);
  }
  SUBCASE("delete") {
    auto store = build();
    sql(f.db_path(), "DELETE FROM audit WHERE seq = 3");
    auto report = verify(*store);
    REQUIRE(report.broken);
    CHECK(report.broken->seq == 4);
    CHECK(report.broken->reason.find("missing") != std::string::npos);
    store.reset();
    reopen_fails_at(4);
  }
  SUBCASE("delete and renumber") {
    auto store = build();
    sql(f.db_path(),
        "DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3");
    auto report = verify(*store);
    REQUIRE(report.broken);
    CHECK(report.broken->seq == 3);
    store.reset();
    reopen_fails_at(3);
  }
  SUBCASE("reorder") {
    auto store = build();
    sql(f.db_path(),
        "UPDATE audit SET seq = -5 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 6; "
        "UPDATE audit SET seq = 6 WHERE seq = -5");
    auto report = verify(*store);
    REQUIRE(report.broken);
    CHECK(report.broken->seq == 5);
    store.reset();
    reopen_fails_at(5);
  }
}

TEST_CASE(
    "the storage probe tells a full file system and an unwritable directory from a healthy one") {
  StoreFixture f;
  StorageProbe healthy({f.dir().path(), 1, true});
  CHECK(healthy.read().problem == StorageProbe::Problem::none);
  CHECK(healthy.read().free_bytes > 0);
  CHECK(healthy.check());
  // No probe file is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(f.dir().path())) {
    CHECK_FALSE(entry.path().filename().string().starts_with(".store-probe"));
  }
  StorageProbe full({f.dir().path(), std::numeric_limits<std::int64_t>::max() / 2, true});
  CHECK(full.read().problem == StorageProbe::Problem::full);
  CHECK(full.check().error().message.starts_with("storage full:"));
  StorageProbe gone({f.dir().path() / "unplugged", 1, true});
  CHECK(gone.read().problem == StorageProbe::Problem::not_writable);
  CHECK(gone.check().error().message.starts_with("storage not writable:"));
}
