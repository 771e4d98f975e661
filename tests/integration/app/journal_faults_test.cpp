// The real `shubbak` binary with a journal that lost its contents or was damaged below SQLite:
// an empty (0-byte) journal and one with bytes changed inside a record's payload or an audit
// entry (PRAGMA integrity_check still passes) put the kiosk out of service with the reason, the
// journal moved aside, and never a new journal starting at sequence 1; `shubbakctl kiosk
// accept-new-journal` is the technician's way back, continuing the sequence. Start-up verifies
// only what is new. A record with bytes that are not UTF-8 is quarantined while the others reach
// the real portal, and the kiosk keeps running.
#include <signal.h>
#include <sys/wait.h>

#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "kiosk/store/journal_marks.hpp"
#include "kiosk/store/sqlite.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::ChildProcess;
namespace fs = std::filesystem;

namespace {

std::string describe(const ChildProcess& child) {
  return "stderr:\n" + child.stderr_text();
}

// Whether the child has not exited (without reaping it).
bool still_running(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == 0;
}

// A data directory with `count` transactions committed by a real store (as a kiosk that has
// run), and a configuration using it.
struct KioskDir {
  testing::TempDir dir;
  fs::path config;

  explicit KioskDir(int count, const std::string& extra_config = "") {
    fs::create_directories(dir / "data" / "out");
    commit(count);
    config =
        dir.write("kiosk.toml", "[kiosk]\nid = \"kiosk-7\"\ndata_dir = \"data\"\n" + extra_config);
  }
  fs::path data() const { return dir / "data"; }
  fs::path journal() const { return dir / "data" / "journal.db"; }

  void commit(int count) {
    ChildProcess committer({SHUBBAK_STORE_TOOL, "commit", data().string(), std::to_string(count)},
                           data() / "out");
    REQUIRE(committer.wait(60s) == 0);
  }
  // Opens the store once more, as a start would: what was committed is verified and the marks move.
  void verify() {
    ChildProcess opener({SHUBBAK_STORE_TOOL, "open", data().string()}, data() / "out");
    REQUIRE(opener.wait(60s) == 0);
  }

  // Starts the kiosk, waits until it is up, stops it; returns its log.
  std::string run_kiosk() {
    ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()},
                       dir.path());
    REQUIRE_MESSAGE(kiosk.wait_for_stderr("on kiosk kiosk-7", 30s), describe(kiosk));
    kiosk.signal(SIGTERM);
    CHECK(kiosk.wait(10s) == 0);
    return kiosk.stderr_text();
  }

  std::vector<fs::path> moved_aside() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(data())) {
      std::string name = entry.path().filename().string();
      if (name.starts_with("journal.db.corrupt-") && !name.ends_with("-wal") &&
          !name.ends_with("-shm")) {
        found.push_back(entry.path());
      }
    }
    return found;
  }

  std::int64_t reserved_sequence() const {
    auto marks = read_journal_marks(journal_marks_path(journal()));
    REQUIRE(marks);
    REQUIRE(marks->has_value());
    return (*marks)->reserved_sequence;
  }
};

std::string integrity_of(const fs::path& path) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READONLY);
  REQUIRE(db);
  return db->query_text("PRAGMA integrity_check").value_or("unreadable");
}

// Changes bytes in place below SQLite, as a failing disk would.
void patch_file(const fs::path& path, std::string_view from, std::string_view to) {
  REQUIRE(from.size() == to.size());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto at = bytes.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "not in the file: " << from);
  REQUIRE(bytes.find(from, at + 1) == std::string::npos);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(at));
  file.write(to.data(), static_cast<std::streamsize>(to.size()));
}

}  // namespace

TEST_CASE(
    "an empty journal: out of service, moved aside, no new sequence 1; the technician accepts a "
    "new one") {
  KioskDir kiosk(12);
  std::int64_t reserved = kiosk.reserved_sequence();
  REQUIRE(reserved >= 12);
  fs::resize_file(kiosk.journal(), 0);

  for (int start = 0; start < 2; ++start) {
    CAPTURE(start);
    std::string log = kiosk.run_kiosk();
    INFO(log);
    CHECK(log.find("out of service") != std::string::npos);
    CHECK(log.find("accept-new-journal") != std::string::npos);
    if (start == 0)
      CHECK(log.find("is empty (0 bytes) and was moved aside to ") != std::string::npos);
    if (start == 1)
      CHECK(log.find("journal.db was found damaged and moved aside to ") != std::string::npos);
    CHECK_FALSE(fs::exists(kiosk.journal()));  // never recreated
    CHECK(kiosk.reserved_sequence() == reserved);
  }
  REQUIRE(kiosk.moved_aside().size() == 1);
  CHECK(kiosk.moved_aside().front().filename().string().starts_with("journal.db.corrupt-"));

  // Without a reason the tool refuses; with one, the sequence continues after the reservation.
  ChildProcess refused(
      {SHUBBAKCTL_BIN, "kiosk", "accept-new-journal", "--config", kiosk.config.string()},
      kiosk.dir.path());
  CHECK(refused.wait(30s) == 2);
  ChildProcess accept(
      {SHUBBAKCTL_BIN, "kiosk", "accept-new-journal", "--config", kiosk.config.string(), "--reason",
       "journal emptied by a disk fault; ticket 4711"},
      kiosk.dir.path());
  REQUIRE_MESSAGE(accept.wait(30s) == 0, accept.stderr_text());
  CHECK(accept.stdout_text().find("the next transaction is sequence " +
                                  std::to_string(reserved + 1)) != std::string::npos);

  std::string log = kiosk.run_kiosk();
  CHECK_MESSAGE(log.find("out of service") == std::string::npos, log);
  ChildProcess next({SHUBBAK_STORE_TOOL, "commit", kiosk.data().string(), "1"},
                    kiosk.data() / "out");
  REQUIRE(next.wait(30s) == 0);
  CHECK(next.stdout_text().starts_with("committed " + std::to_string(reserved + 1) + " "));
  auto db = sqlite::Database::open(kiosk.journal(), SQLITE_OPEN_READONLY);
  REQUIRE(db);
  CHECK(db->query_int("SELECT count(*) FROM journal WHERE sequence <= " + std::to_string(reserved))
            .value_or(-1) == 0);
  CHECK(db->query_int("SELECT count(*) FROM audit WHERE kind = 'store.new_journal' AND detail LIKE "
                      "'%ticket 4711%'")
            .value_or(0) == 1);
}

TEST_CASE(
    "damage below SQLite inside a record or an audit entry: out of service, the journal moved "
    "aside") {
  KioskDir kiosk(6);
  std::string expected;
  SUBCASE("a record's payload") {
    patch_file(kiosk.journal(), "\"payment_reference\":\"APPROVAL-3\"",
               "\"payment_reference\":\"APPROVAL-8\"");
    expected = "record 4 is damaged: the device signature does not verify";
  }
  SUBCASE("an audit entry") {
    patch_file(kiosk.journal(), "\"sequence\":2,\"service\":\"civil",
               "\"sequence\":7,\"service\":\"civil");
    expected = "audit entry 3 is damaged: content was altered";
  }
  REQUIRE(integrity_of(kiosk.journal()) == "ok");  // SQLite itself sees nothing wrong

  std::string log = kiosk.run_kiosk();
  INFO(log);
  CHECK(log.find("out of service") != std::string::npos);
  CHECK(log.find(expected) != std::string::npos);
  auto aside = kiosk.moved_aside();
  REQUIRE(aside.size() == 1);
  CHECK(log.find("moved aside to ") != std::string::npos);
  CHECK(log.find(aside.front().filename().string()) != std::string::npos);
  CHECK_FALSE(fs::exists(kiosk.journal()));

  // The next start stays out of service and makes no new journal.
  std::string again = kiosk.run_kiosk();
  CHECK(again.find("out of service") != std::string::npos);
  CHECK_FALSE(fs::exists(kiosk.journal()));
  CHECK(kiosk.moved_aside().size() == 1);
}

TEST_CASE("start-up verifies only what is new: the mark moves and old records are not read again") {
  KioskDir kiosk(40);
  std::string first = kiosk.run_kiosk();
  CHECK_MESSAGE(first.find("verified 40 new record(s) after sequence 0") != std::string::npos,
                first);
  std::string second = kiosk.run_kiosk();
  CHECK_MESSAGE(second.find("verified 0 new record(s) after sequence 40") != std::string::npos,
                second);
  kiosk.commit(5);
  std::string third = kiosk.run_kiosk();
  CHECK_MESSAGE(third.find("verified 5 new record(s) after sequence 40") != std::string::npos,
                third);
  CHECK(third.find("out of service") == std::string::npos);
}

TEST_CASE(
    "a record with bytes that are not UTF-8: quarantined, the others reach the real portal, no "
    "abort") {
  testing::PortalFixture portal;
  KioskDir kiosk(10, "[portal]\nurl = \"" + portal.url() + "\"\nca_file = \"" +
                         portal.pki().ca_cert().string() + "\"\nclient_cert = \"" +
                         portal.client_cert().cert.string() + "\"\nclient_key = \"" +
                         portal.client_cert().key.string() + "\"\n");
  kiosk.verify();  // verified at an earlier start; the damage comes later
  {
    auto db = sqlite::Database::open(kiosk.journal(), SQLITE_OPEN_READWRITE);
    REQUIRE(db);
    REQUIRE(
        db->exec("UPDATE journal SET record = replace(record, 'APPROVAL-3', 'APPROVAL-' || "
                 "CAST(X'FF' AS TEXT)) "
                 "WHERE sequence = 4"));
    REQUIRE(db->changes() == 1);
  }
  ChildProcess process({SHUBBAK_RUNTIME_BIN, "--headless", "--config", kiosk.config.string()},
                       kiosk.dir.path());
  auto count = [&](const char* sql) {
    auto db = sqlite::Database::open(kiosk.journal(), SQLITE_OPEN_READONLY);
    return db ? db->query_int(sql).value_or(-1) : -1;
  };
  bool done = false;
  for (int i = 0; i < 2000 && !done && still_running(process.pid()); ++i) {
    done = count("SELECT count(*) FROM outbox WHERE state = 'sent'") == 9 &&
           count("SELECT count(*) FROM outbox WHERE state = 'quarantined'") == 1;
    if (!done) std::this_thread::sleep_for(10ms);
  }
  INFO(describe(process));
  CHECK(done);
  REQUIRE(still_running(process.pid()));  // it did not abort
  process.signal(SIGTERM);
  CHECK(process.wait(10s) == 0);
  CHECK(portal.stored_transactions() == 9);
  CHECK(count("SELECT count(*) FROM outbox WHERE state = 'quarantined' AND sequence = 4 AND "
              "reason LIKE 'not sent: its record is not valid UTF-8%'") == 1);
  CHECK(count("SELECT count(*) FROM audit WHERE kind = 'upload.unencodable'") == 1);
  CHECK(process.stderr_text().find("out of service") == std::string::npos);
}

TEST_CASE(
    "damage SQLite's own check sees, on a kiosk that has run: found after the start, moved aside "
    "at the next") {
  KioskDir kiosk(50);
  kiosk.verify();  // nothing at start-up reads the old records again
  std::string bytes;
  {
    std::ifstream in(kiosk.journal(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto at = bytes.find("\"APPROVAL-10\"");
  REQUIRE(at != std::string::npos);
  {
    std::fstream file(kiosk.journal(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(at / 4096 * 4096));
    std::string garbage(2000, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  {
    ChildProcess process({SHUBBAK_RUNTIME_BIN, "--headless", "--config", kiosk.config.string()},
                         kiosk.dir.path());
    CHECK_MESSAGE(process.wait_for_stderr("failed its integrity check", 30s), describe(process));
    CHECK(process.wait_for_stderr("out of service", 10s));
    process.signal(SIGTERM);
    CHECK(process.wait(10s) == 0);
  }
  std::string log = kiosk.run_kiosk();
  INFO(log);
  CHECK(log.find("failed its integrity check after the last start") != std::string::npos);
  CHECK(log.find("out of service") != std::string::npos);
  CHECK_FALSE(fs::exists(kiosk.journal()));
  CHECK(kiosk.moved_aside().size() == 1);
}
