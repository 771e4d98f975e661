// The journal's marks on real SQLite files: each open verifies only what no earlier open
// verified (and the marks move), damage that PRAGMA integrity_check cannot see is found and the
// journal moved aside, and a lost, emptied, rolled-back or swapped journal never restarts the
// sequence.
#include <doctest/doctest.h>

#include <fstream>

#include "kiosk/store/journal_marks.hpp"
#include "kiosk/store/sqlite.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

namespace {

JournalMarks marks_of(const StoreFixture& f) {
  auto marks = read_journal_marks(journal_marks_path(f.db_path()));
  REQUIRE_MESSAGE(marks, (marks ? "" : marks.error().message));
  REQUIRE(marks->has_value());
  return **marks;
}

std::vector<fs::path> moved_aside(const fs::path& dir) {
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

std::string integrity_of(const fs::path& path) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READONLY);
  REQUIRE(db);
  return db->query_text("PRAGMA integrity_check").value_or("unreadable");
}

// Replaces the first `from` in the file's bytes by `to` (same length), as a failing disk or an
// editor would: below SQLite, which sees a well-formed page either way.
void patch_file(const fs::path& path, std::string_view from, std::string_view to) {
  REQUIRE(from.size() == to.size());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto at = bytes.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "not in the file: " << from);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(at));
  file.write(to.data(), static_cast<std::streamsize>(to.size()));
}

// Commits `count` transactions and closes the store (the log is checkpointed into the file).
void commit_and_close(StoreFixture& f, int first, int count) {
  auto store = f.open();
  for (int i = first; i < first + count; ++i) REQUIRE(store->commit(sample_draft(i)));
}

}  // namespace

TEST_CASE("each open verifies only what is new since the last one, and the marks move") {
  StoreFixture f;
  commit_and_close(f, 0, 10);
  auto first_marks = marks_of(f);
  CHECK(first_marks.verified_sequence == 0);  // the first open had nothing to verify
  CHECK(first_marks.reserved_sequence >= 10);

  {
    auto store = f.open();
    const auto& verified = store->startup_verification();
    CHECK(verified.records_after == 0);
    CHECK(verified.records_verified == 10);
    CHECK(verified.first_sequence == 1);
    CHECK(verified.last_sequence == 10);
    CHECK(verified.audit_after == 0);
    CHECK(verified.audit_entries_verified == 11);  // store.opened + 10 submits
  }
  auto second_marks = marks_of(f);
  CHECK(second_marks.verified_sequence == 10);
  CHECK(second_marks.verified_audit_seq == 11);

  // Damage an old record below SQLite (integrity_check still passes): it was verified before,
  // so it is not read again. This is what keeps start-up independent of history.
  patch_file(f.db_path(), "\"payment_reference\":\"APPROVAL-4\"",
             "\"payment_reference\":\"APPROVAL-9\"");
  CHECK(integrity_of(f.db_path()) == "ok");
  {
    auto store = f.open();
    CHECK(store->startup_verification().records_after == 10);
    CHECK(store->startup_verification().records_verified == 0);
    CHECK(store->startup_verification().audit_after == 11);
    CHECK(store->startup_verification().audit_entries_verified == 1);  // the previous store.opened
    for (int i = 10; i < 13; ++i) REQUIRE(store->commit(sample_draft(i)));
  }
  {
    auto store = f.open();
    const auto& verified = store->startup_verification();
    CHECK(verified.records_after == 10);
    CHECK(verified.records_verified == 3);
    CHECK(verified.first_sequence == 11);
    CHECK(verified.last_sequence == 13);
  }
  CHECK(marks_of(f).verified_sequence == 13);
  CHECK(marks_of(f).journal_id == first_marks.journal_id);
}

TEST_CASE(
    "damage inside a record that integrity_check does not see: moved aside, and the next open "
    "refuses") {
  StoreFixture f;
  commit_and_close(f, 0, 5);
  patch_file(f.db_path(), "\"payment_reference\":\"APPROVAL-2\"",
             "\"payment_reference\":\"APPROVAL-7\"");
  REQUIRE(integrity_of(f.db_path()) == "ok");

  auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == Errc::integrity);
  CHECK(out_of_service_reason(opened.error()) == OutOfServiceReason::storage_corrupt);
  CHECK(opened.error().message.find("record 3 is damaged: the device signature does not verify") !=
        std::string::npos);
  auto aside = moved_aside(f.dir().path());
  REQUIRE(aside.size() == 1);
  CHECK(opened.error().message.find("moved aside to " + aside.front().string()) !=
        std::string::npos);
  CHECK_FALSE(fs::exists(f.db_path()));

  auto again = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(again);
  CHECK_FALSE(fs::exists(f.db_path()));  // no new journal, so no new sequence 1
}

TEST_CASE(
    "damage inside an audit entry is found at the entry, and the verified anchor is checked too") {
  StoreFixture f;
  SUBCASE("a new entry") {
    {
      auto store = f.open();
      REQUIRE(store->record_event(audit_kind::technician_login, R"({"technician":"t-1"})"));
      REQUIRE(store->record_event(audit_kind::technician_login, R"({"technician":"t-5"})"));
    }
    patch_file(f.db_path(), "\"technician\":\"t-5\"", "\"technician\":\"t-6\"");
    REQUIRE(integrity_of(f.db_path()) == "ok");
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == Errc::integrity);
    CHECK(opened.error().message.find("audit entry 3 is damaged: content was altered") !=
          std::string::npos);
    CHECK(moved_aside(f.dir().path()).size() == 1);
  }
  SUBCASE("the last verified entry") {
    {
      auto store = f.open();
      REQUIRE(store->record_event(audit_kind::technician_login, R"({"technician":"t-5"})"));
    }
    { auto verified = f.open(); }  // verifies entries 1 and 2: entry 2 is the anchor now
    REQUIRE(marks_of(f).verified_audit_seq == 2);
    // Entry 2 is not verified again, but the rest of the chain hangs from it: a rewritten entry
    // 2 (new content, new hash) would pass a check of entry 3 onwards alone.
    {
      auto db = sqlite::Database::open(f.db_path(), SQLITE_OPEN_READWRITE);
      REQUIRE(db->exec("UPDATE audit SET hash = '" + std::string(64, 'a') + "' WHERE seq = 2"));
    }
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().message.find(
              "audit entry 2, verified at an earlier start, was changed since") !=
          std::string::npos);
  }
}

TEST_CASE(
    "an empty or missing journal on a kiosk that has used one: refused until a technician "
    "accepts") {
  StoreFixture f;
  commit_and_close(f, 0, 7);
  auto before = marks_of(f);
  SUBCASE("truncated to zero bytes") {
    fs::resize_file(f.db_path(), 0);
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == Errc::not_found);
    CHECK(out_of_service_reason(opened.error()) == OutOfServiceReason::storage_missing);
    CHECK(opened.error().message.find("is empty (0 bytes) and was moved aside to") !=
          std::string::npos);
    CHECK(opened.error().message.find("shubbakctl kiosk accept-new-journal") != std::string::npos);
    CHECK(moved_aside(f.dir().path()).size() == 1);
  }
  SUBCASE("deleted") {
    fs::remove(f.db_path());
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(out_of_service_reason(opened.error()) == OutOfServiceReason::storage_missing);
    CHECK(opened.error().message.find("is missing") != std::string::npos);
  }
  // Refused again at the next start: nothing was created.
  CHECK_FALSE(TransactionStore::open(f.options(), Log(f.logger(), "store")));
  CHECK_FALSE(fs::exists(f.db_path()));
  CHECK(marks_of(f) == before);

  // The technician accepts: the sequence continues after everything the kiosk reserved.
  auto accepted =
      TransactionStore::accept_new_journal(f.options(), Log(f.logger(), "store"), "disk replaced");
  REQUIRE_MESSAGE(accepted, (accepted ? "" : accepted.error().message));
  auto record = (*accepted)->commit(sample_draft(100));
  REQUIRE(record);
  CHECK(record->sequence == before.reserved_sequence + 1);
  CHECK(record->sequence > 7);
  auto db = sqlite::Database::open(f.db_path(), SQLITE_OPEN_READONLY);
  CHECK(db->query_int("SELECT count(*) FROM audit WHERE kind = 'store.new_journal' AND "
                      "json_extract(detail, '$.reason') = 'disk replaced'")
            .value_or(0) == 1);
  accepted->reset();
  // And it opens normally from then on.
  auto reopened = f.open();
  CHECK(reopened->startup_verification().records_verified == 1);
  // Accepting again is refused: there is a journal.
  CHECK_FALSE(TransactionStore::accept_new_journal(f.options(), Log(f.logger(), "store"), "again"));
}

TEST_CASE("an older copy of the journal or another journal put in its place is refused") {
  StoreFixture f;
  commit_and_close(f, 0, 3);
  fs::path copy = f.dir() / "copy.db";
  fs::copy_file(f.db_path(), copy);
  SUBCASE("rolled back") {
    commit_and_close(f, 3, k_sequence_reservation * 2);
    fs::copy_file(copy, f.db_path(), fs::copy_options::overwrite_existing);
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().message.find("an older copy") != std::string::npos);
  }
  SUBCASE("swapped") {
    StoreFixture other;
    commit_and_close(other, 0, 3);
    fs::copy_file(other.db_path(), f.db_path(), fs::copy_options::overwrite_existing);
    auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
    REQUIRE_FALSE(opened);
    CHECK(opened.error().message.find("not the journal this kiosk kept") != std::string::npos);
  }
  CHECK(moved_aside(f.dir().path()).size() == 1);
}

TEST_CASE("sequence numbers are reserved in blocks outside the database, before they are used") {
  StoreFixture f;
  auto store = f.open();
  for (int i = 0; i < 150; ++i) {
    auto record = store->commit(sample_draft(i));
    REQUIRE(record);
    // Whenever a commit has returned, the marks on disk cover its sequence.
    if (i % 37 == 0 || i == 149) CHECK(marks_of(f).reserved_sequence >= record->sequence);
  }
  CHECK(marks_of(f).reserved_sequence < 150 + k_sequence_reservation);
}

TEST_CASE("damaged marks are damage, never a default") {
  StoreFixture f;
  commit_and_close(f, 0, 2);
  auto path = journal_marks_path(f.db_path());
  SUBCASE("a changed digit") {
    patch_file(path, "\"reserved_sequence\":1", "\"reserved_sequence\":9");
  }
  SUBCASE("garbage") {
    f.dir().write("journal.db.marks", "not marks\n");
  }
  auto opened = TransactionStore::open(f.options(), Log(f.logger(), "store"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == Errc::integrity);
  CHECK(opened.error().message.find("marks") != std::string::npos);
  CHECK(fs::exists(f.db_path()));  // the journal itself is fine and stays
}
