#include "tests/integration/store/kill_sweep.hpp"

#include <csignal>

#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/sqlite.hpp"
#include "tests/support/child_process.hpp"

namespace shubbak::testing {

namespace {

namespace fs = std::filesystem;

void problem(KillSweepResult& result, std::string what) {
  if (result.first_problem.empty()) result.first_problem = std::move(what);
}

std::int64_t count(sqlite::Database& db, std::string_view sql) {
  return db.query_int(sql).value_or(-1);
}

// Checks one database after a kill: integrity, no partial transaction, audit chain, and that
// every id in `reported` is there.
void check_database(const fs::path& path, const std::set<std::string>& reported,
                    KillSweepResult& result, bool final_check) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE);
  if (!db) {
    // A kill before the file was first created leaves nothing to check, which is fine only if
    // nothing was reported.
    if (!reported.empty())
      problem(result, "cannot open " + path.string() + ": " + db.error().message);
    result.lost += static_cast<std::int64_t>(reported.size());
    return;
  }
  auto integrity = db->query_text("PRAGMA integrity_check");
  if (!integrity || *integrity != "ok") {
    ++result.integrity_failures;
    problem(result, "integrity_check: " + (integrity ? *integrity : integrity.error().message));
    return;
  }
  bool has_schema = count(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'journal'") == 1;
  if (!has_schema) {
    if (!reported.empty()) problem(result, "no schema but commits were reported");
    result.lost += static_cast<std::int64_t>(reported.size());
    return;
  }
  std::int64_t orphans =
      count(*db,
            "SELECT count(*) FROM journal j LEFT JOIN outbox o ON o.sequence = j.sequence WHERE "
            "o.sequence IS NULL") +
      count(*db,
            "SELECT count(*) FROM outbox o LEFT JOIN journal j ON j.sequence = o.sequence WHERE "
            "j.sequence IS NULL") +
      count(*db,
            "SELECT count(*) FROM journal WHERE id NOT IN "
            "(SELECT json_extract(detail, '$.id') FROM audit WHERE kind = 'transaction.submit')") +
      count(*db,
            "SELECT count(*) FROM audit WHERE kind = 'transaction.submit' AND "
            "json_extract(detail, '$.id') NOT IN (SELECT id FROM journal)");
  std::int64_t rows = count(*db, "SELECT count(*) FROM journal");
  std::int64_t max_sequence = count(*db, "SELECT coalesce(max(sequence), 0) FROM journal");
  std::int64_t counter = count(*db, "SELECT value FROM counters WHERE name = 'last_sequence'");
  if (orphans != 0 || rows != max_sequence || counter != max_sequence) {
    result.partial += orphans != 0 ? orphans : 1;
    problem(result, fmt::format("partial state: {} orphans, {} rows, max sequence {}, counter {}",
                                orphans, rows, max_sequence, counter));
  }
  auto stmt = db->prepare(
      "SELECT seq, wall_ms, boot_id, kind, detail, prev_hash, hash FROM audit ORDER BY seq");
  AuditChainVerifier verifier;
  while (stmt && stmt->step().value_or(false)) {
    verifier.add(AuditEntry{stmt->column_int(0), stmt->column_int(1), stmt->column_text(2),
                            stmt->column_text(3), stmt->column_text(4), stmt->column_text(5),
                            stmt->column_text(6)});
  }
  if (verifier.report().broken) {
    ++result.integrity_failures;
    problem(result, fmt::format("audit chain broken at {}: {}", verifier.report().broken->seq,
                                verifier.report().broken->reason));
  }
  auto find = db->prepare("SELECT 1 FROM journal WHERE id = ?");
  for (const auto& id : reported) {
    find->reset();
    if (!find->bind(1, id).step().value_or(false)) {
      ++result.lost;
      problem(result, "reported committed but missing: " + id);
    }
  }
  if (final_check) result.stored += rows;
}

}  // namespace

KillSweepResult run_kill_sweep(const fs::path& tool, const fs::path& work_dir, int rounds,
                               int rounds_per_database, int max_delay_us, std::uint64_t seed) {
  KillSweepResult result;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> delay(0, max_delay_us);
  std::uniform_int_distribution<int> startup_delay(0, 15'000);
  std::uniform_int_distribution<int> early(0, 4);
  std::set<std::string> reported_in_database;
  fs::path data;
  for (int round = 0; round < rounds; ++round) {
    if (round % rounds_per_database == 0) {
      if (round > 0) check_database(data / "journal.db", reported_in_database, result, true);
      data = work_dir / fmt::format("db-{}", round / rounds_per_database);
      fs::create_directories(data);
      reported_in_database.clear();
    }
    fs::path out = work_dir / "child";
    fs::create_directories(out);
    std::set<std::string> reported_now;
    {
      ChildProcess child({tool.string(), "commit", data.string(), "0"}, out);
      // One round in five is killed early, while the child opens (and recovers) the store; the
      // others once it has committed, at a random point of the commits that follow.
      if (early(random) == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(startup_delay(random)));
      } else {
        for (int i = 0; i < 20'000 && child.stdout_text().find("committed") == std::string::npos;
             ++i) {
          std::this_thread::sleep_for(std::chrono::microseconds(250));
        }
        std::this_thread::sleep_for(std::chrono::microseconds(delay(random)));
      }
      child.signal(SIGKILL);
      child.wait(std::chrono::seconds(10));
      std::istringstream lines(child.stdout_text());
      std::string word, sequence, id;
      while (lines >> word >> sequence >> id) {
        if (word == "committed") reported_now.insert(id);
      }
    }
    if (reported_now.empty()) ++result.kills_before_first_commit;
    if (reported_now.size() > 1) ++result.kills_amid_commits;
    result.reported += static_cast<std::int64_t>(reported_now.size());
    reported_in_database.insert(reported_now.begin(), reported_now.end());
    check_database(data / "journal.db", reported_now, result, false);
    ++result.rounds;
  }
  if (!data.empty()) check_database(data / "journal.db", reported_in_database, result, true);
  return result;
}

}  // namespace shubbak::testing
