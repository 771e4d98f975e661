// tests/bench/startup_history: does start-up grow with the journal's history? For each size
// (1,000 and 100,000 transactions by default, all acknowledged by the portal as on a kiosk that
// has run for a while), a journal is made by the real store and filled with what its commits
// write (signed canonical records, outbox rows, chained audit entries) in one SQLite transaction,
// because 100,000 durable commits take minutes; it is then verified once (the one-time cost a
// kiosk pays the first time it meets those records), and measured:
//   - the real `shubbak` binary from exec to its first frame, headless, median of RUNS;
//   - TransactionStore::open alone (incremental verification, marks), median;
//   - PRAGMA integrity_check alone, median: SQLite's structural check reads every page, which
//     is why the kiosk runs it on a thread of its own once it is up, not in open().
//   startup_history SHUBBAK_BINARY [RUNS] [SIZES...]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/store/uuid7.hpp"
#include "tests/support/temp_dir.hpp"

extern char** environ;

using namespace shubbak;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

// exec to "first-frame" on stdout, in ms; negative on failure.
double first_frame_ms(const std::string& binary, const std::string& config) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {binary, "--headless", "--config", config,
                                   "--exit-after-first-frame"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto start = Clock::now();
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return -1;
  }
  std::string seen;
  char buffer[256];
  double elapsed = -1;
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(n));
    if (seen.find("first-frame\n") != std::string::npos) {
      elapsed = ms_since(start);
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? elapsed : -1;
}

double integrity_check_ms(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  auto start = Clock::now();
  int rc = sqlite3_exec(db, "PRAGMA integrity_check", nullptr, nullptr, nullptr);
  double elapsed = ms_since(start);
  sqlite3_close(db);
  return rc == SQLITE_OK ? elapsed : -1;
}

// What `count` commits would have written, acknowledged by the portal, in one transaction.
bool fill(const std::filesystem::path& path, const DeviceKey& key, int count) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return false;
  auto exec = [&](const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  };
  auto prepare = [&](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    return stmt;
  };
  bool ok = exec("BEGIN IMMEDIATE");
  sqlite3_stmt* head = prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  std::int64_t seq = 0;
  std::string prev(k_audit_genesis_hash);
  if (sqlite3_step(head) == SQLITE_ROW) {
    seq = sqlite3_column_int64(head, 0);
    prev = reinterpret_cast<const char*>(sqlite3_column_text(head, 1));
  }
  sqlite3_finalize(head);
  sqlite3_stmt* journal =
      prepare("INSERT INTO journal(sequence, id, wall_ms, record, signature) VALUES (?,?,?,?,?)");
  sqlite3_stmt* outbox = prepare(
      "INSERT INTO outbox(sequence, state, acknowledged_wall_ms, portal_result) VALUES (?, 'sent', "
      "?, 'accepted')");
  sqlite3_stmt* audit = prepare(
      "INSERT INTO audit(seq, wall_ms, boot_id, kind, detail, prev_hash, hash) VALUES "
      "(?,?,?,?,?,?,?)");
  Uuid7Generator ids;
  std::int64_t wall = 1'795'000'000'000;
  auto text = [](sqlite3_stmt* stmt, int index, const std::string& value) {
    sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  };
  for (int i = 1; ok && i <= count; ++i) {
    TransactionRecord record;
    record.id = *ids.next(wall);
    record.kiosk_id = "bench-kiosk";
    record.sequence = i;
    record.wall_ms = wall;
    record.boot_id = "bench-boot";
    record.service_id = "civil.birth_certificate";
    record.service_version = "1.4.0";
    record.amount = Money{1250, "OMR"};
    record.payment_reference = "APPROVAL-" + std::to_string(i);
    record.fields = {{"applicant", "فاطمة"}, {"copies", "2"}, {"district", "مطرح"}};
    std::string canonical = canonical_json(record);
    auto signature = key.sign(canonical);
    if (!signature) return false;
    sqlite3_reset(journal);
    sqlite3_bind_int64(journal, 1, i);
    text(journal, 2, record.id);
    sqlite3_bind_int64(journal, 3, wall);
    text(journal, 4, canonical);
    text(journal, 5, base64_encode(*signature));
    ok = sqlite3_step(journal) == SQLITE_DONE;
    sqlite3_reset(outbox);
    sqlite3_bind_int64(outbox, 1, i);
    sqlite3_bind_int64(outbox, 2, wall + 500);
    ok = ok && sqlite3_step(outbox) == SQLITE_DONE;
    AuditEntry entry{++seq,
                     wall,
                     "bench-boot",
                     "transaction.submit",
                     R"({"id":")" + record.id + R"(","sequence":)" + std::to_string(i) +
                         R"(,"service":"civil.birth_certificate"})",
                     prev,
                     ""};
    entry.hash = audit_entry_hash(prev, entry);
    prev = entry.hash;
    sqlite3_reset(audit);
    sqlite3_bind_int64(audit, 1, entry.seq);
    sqlite3_bind_int64(audit, 2, entry.wall_ms);
    text(audit, 3, entry.boot_id);
    text(audit, 4, entry.kind);
    text(audit, 5, entry.detail);
    text(audit, 6, entry.prev_hash);
    text(audit, 7, entry.hash);
    ok = ok && sqlite3_step(audit) == SQLITE_DONE;
    wall += 1000;
  }
  sqlite3_finalize(journal);
  sqlite3_finalize(outbox);
  sqlite3_finalize(audit);
  ok = ok && exec(("UPDATE counters SET value = " + std::to_string(count) +
                   " WHERE name = 'last_sequence'")
                      .c_str());
  ok = ok && exec("COMMIT");
  sqlite3_close(db);
  if (!ok) std::fprintf(stderr, "cannot fill the journal\n");
  return ok;
}

int measure(const std::string& binary, int runs, int size) {
  testing::TempDir dir;
  auto data = dir / "data";
  std::filesystem::create_directories(data);
  Logger logger(LogLevel::warn);
  logger.add_sink(make_stderr_sink());
  auto key = DeviceKey::load_or_create(data / "device-key.pem");
  if (!key) return 1;
  TransactionStore::Options options;
  options.path = data / "journal.db";
  options.kiosk_id = "bench-kiosk";
  options.device_key = key->get();
  options.min_free_bytes = 0;

  auto filling = Clock::now();
  {
    auto store = TransactionStore::open(options, Log(logger, "store"));  // the schema, the marks
    if (!store) return 1;
  }
  if (!fill(options.path, **key, size)) return 1;
  double fill_s = ms_since(filling) / 1000;

  auto once = Clock::now();
  std::int64_t first_verified = 0;
  {
    auto store = TransactionStore::open(options, Log(logger, "store"));
    if (!store) return 1;
    first_verified = (*store)->startup_verification().records_verified;
  }
  double first_open_ms = ms_since(once);

  auto config = dir.write("kiosk.toml",
                          "[kiosk]\nid = \"bench-kiosk\"\ndata_dir = \"" + data.string() + "\"\n");
  std::vector<double> frames, opens, checks;
  for (int r = 0; r < runs; ++r) {
    double frame = first_frame_ms(binary, config.string());
    if (frame < 0) {
      std::fprintf(stderr, "the kiosk did not start\n");
      return 1;
    }
    frames.push_back(frame);
    auto start = Clock::now();
    {
      auto store = TransactionStore::open(options, Log(logger, "store"));
      if (!store || (*store)->startup_verification().records_verified != 0) return 1;
    }
    opens.push_back(ms_since(start));
    checks.push_back(integrity_check_ms(options.path));
  }
  std::error_code ec;
  auto bytes = std::filesystem::file_size(options.path, ec);
  std::printf("%7d transactions (%.1f MB journal, filled in %.0f s):\n", size,
              static_cast<double>(bytes) / 1e6, fill_s);
  std::printf("  once, verifying all %lld records and the audit chain: %.0f ms\n",
              static_cast<long long>(first_verified), first_open_ms);
  std::printf(
      "  then, median of %d: exec -> first frame %.1f ms | store open %.1f ms | SQLite "
      "integrity_check alone (run after the start) %.1f ms\n",
      runs, median(frames), median(opens), median(checks));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: startup_history SHUBBAK_BINARY [RUNS] [SIZES...]\n");
    return 2;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 9;
  std::vector<int> sizes;
  for (int i = 3; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1'000, 100'000};
  std::printf("startup_history: start-up against the size of the journal's history\n");
  for (int size : sizes) {
    if (int failed = measure(argv[1], runs, size); failed != 0) return failed;
  }
  return 0;
}
