#include "kiosk/store/transaction_store.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/utf8.hpp"
#include "kiosk/store/journal_marks.hpp"
#include "kiosk/store/journal_verification.hpp"
#include "kiosk/store/schema.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/store/storage_probe.hpp"
#include "kiosk/store/store_file.hpp"
#include "kiosk/store/store_transaction.hpp"
#include "kiosk/store/uuid7.hpp"

namespace shubbak {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::int64_t system_wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Audit details are built from stored or outside strings: bytes a strict encoder refuses are
// replaced (U+FFFD), never thrown about.
std::string safe_dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string_view outcome_name(UploadOutcome outcome) {
  switch (outcome) {
    case UploadOutcome::accepted:
      return "accepted";
    case UploadOutcome::duplicate:
      return "duplicate";
    case UploadOutcome::rejected:
      return "rejected";
  }
  return "rejected";
}

std::string_view message_key(OutOfServiceReason reason) {
  switch (reason) {
    case OutOfServiceReason::storage_full:
      return "out_of_service.storage_full";
    case OutOfServiceReason::storage_corrupt:
      return "out_of_service.storage_corrupt";
    case OutOfServiceReason::storage_unavailable:
      return "out_of_service.storage_unavailable";
    case OutOfServiceReason::storage_missing:
      return "out_of_service.storage_missing";
  }
  return "out_of_service.storage_unavailable";
}

OutOfServiceReason out_of_service_reason(const Error& open_error) {
  switch (open_error.code) {
    case Errc::integrity:
      return OutOfServiceReason::storage_corrupt;
    case Errc::not_found:
      return OutOfServiceReason::storage_missing;
    default:
      return OutOfServiceReason::storage_unavailable;
  }
}

struct TransactionStore::Impl {
  Options options;
  Log log;
  sqlite::Database db;
  mutable std::mutex mutex;
  Uuid7Generator ids;
  std::optional<OutOfService> fault;
  std::int64_t page_size = 4096;
  JournalMarks marks;            // as last written beside the journal
  StartupVerification verified;  // what open() verified

  // Commit listeners have their own lock, taken after `mutex` is released: a listener may take
  // its owner's lock without ever waiting on the store's.
  std::mutex listeners_mutex;
  std::map<CommitListenerId, std::function<void()>> listeners;
  CommitListenerId next_listener = 1;

  void notify_listeners() {
    std::lock_guard lock(listeners_mutex);
    for (auto& [id, listener] : listeners) listener();
  }

  // Before a commit uses `sequence`: makes sure the marks outside the database have reserved
  // it, so that a lost journal can never lead to the same number again.
  Expected<void> reserve(std::int64_t sequence) {
    if (sequence <= marks.reserved_sequence) return {};
    JournalMarks next = marks;
    next.reserved_sequence = sequence + k_sequence_reservation - 1;
    if (auto written = write_journal_marks(journal_marks_path(options.path), next); !written)
      return written;
    marks = next;
    return {};
  }

  Impl(Options o, Log l, sqlite::Database d)
      : options(std::move(o)), log(std::move(l)), db(std::move(d)) {}

  std::int64_t now() const { return options.wall_clock_ms(); }

  // Statements on the commit path are prepared once and reused: preparing costs about as much
  // as the rest of a commit's CPU work.
  std::map<std::string, sqlite::Statement, std::less<>> statements;
  Expected<sqlite::Statement*> cached(std::string_view sql) {
    auto found = statements.find(sql);
    if (found == statements.end()) {
      auto prepared = db.prepare(sql);
      if (!prepared) return std::unexpected(prepared.error());
      found = statements.emplace(std::string(sql), std::move(*prepared)).first;
    }
    found->second.reset();
    return &found->second;
  }

  // Appends an audit entry inside the caller's SQLite transaction.
  Expected<AuditEntry> append_audit(std::string_view kind, std::string_view detail) {
    auto head = cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!head) return std::unexpected(head.error());
    auto row = (*head)->step();
    if (!row) return std::unexpected(row.error());
    AuditEntry entry;
    entry.seq = *row ? (*head)->column_int(0) + 1 : 1;
    entry.prev_hash = *row ? (*head)->column_text(1) : std::string(k_audit_genesis_hash);
    (*head)->reset();
    entry.wall_ms = now();
    entry.boot_id = options.boot_id;
    entry.kind = std::string(kind);
    entry.detail = std::string(detail);
    entry.hash = audit_entry_hash(entry.prev_hash, entry);
    auto insert = cached(
        "INSERT INTO audit(seq, wall_ms, boot_id, kind, detail, prev_hash, hash) VALUES "
        "(?,?,?,?,?,?,?)");
    if (!insert) return std::unexpected(insert.error());
    sqlite::Statement& stmt = **insert;
    stmt.bind(1, entry.seq).bind(2, entry.wall_ms).bind(3, entry.boot_id).bind(4, entry.kind);
    stmt.bind(5, entry.detail).bind(6, entry.prev_hash).bind(7, entry.hash);
    if (auto done = stmt.run(); !done) return std::unexpected(done.error());
    return entry;
  }

  // Notes a failure; a full disk takes the store out of service.
  Error note_failure(Error error) {
    if (db.take_full_flag() && !fault) {
      fault = OutOfService{OutOfServiceReason::storage_full, error.message};
      log.error("out of service: storage full ({})", error.message);
    }
    return error;
  }

  // Whether the store can take another transaction: not out of service for good, room on the
  // file system and, with max_page_count set, in the database, and (`write_probe`) a directory
  // that takes a write. A full or unwritable store is out of service until a check finds it
  // well again.
  Expected<void> capacity_locked(bool write_probe) {
    if (fault && fault->reason != OutOfServiceReason::storage_full &&
        fault->reason != OutOfServiceReason::storage_unavailable) {
      return fail(Errc::unsupported, "out of service: " + fault->detail);
    }
    std::optional<OutOfService> shortage;
    fs::path dir = options.path.parent_path().empty() ? fs::path(".") : options.path.parent_path();
    StorageProbe probe({dir, options.min_free_bytes, write_probe});
    auto reading = probe.read();
    if (reading.problem == StorageProbe::Problem::full) {
      shortage = OutOfService{OutOfServiceReason::storage_full, reading.detail};
    } else if (reading.problem == StorageProbe::Problem::not_writable) {
      shortage = OutOfService{OutOfServiceReason::storage_unavailable, reading.detail};
    }
    if (!shortage && options.max_page_count > 0) {
      auto pages = db.query_int("PRAGMA page_count");
      auto freelist = db.query_int("PRAGMA freelist_count");
      if (!pages || !freelist)
        return std::unexpected(note_failure(pages ? freelist.error() : pages.error()));
      std::int64_t free_bytes = (options.max_page_count - *pages + *freelist) * page_size;
      if (free_bytes < options.min_free_bytes) {
        shortage =
            OutOfService{OutOfServiceReason::storage_full,
                         fmt::format("{} bytes left in the database's {} pages, {} needed",
                                     free_bytes, options.max_page_count, options.min_free_bytes)};
      }
    }
    if (shortage) {
      if (!fault || fault->reason != shortage->reason) {
        log.error("out of service: {} ({})", message_key(shortage->reason), shortage->detail);
      }
      fault = *shortage;
      return fail(Errc::io, fmt::format("{}: {}",
                                        shortage->reason == OutOfServiceReason::storage_full
                                            ? "storage full"
                                            : "storage not writable",
                                        shortage->detail));
    }
    if (fault) {
      log.info("storage has room again; back in service");
      fault.reset();
    }
    return {};
  }

  // Every check that could refuse `draft` at commit, in the order commit() meets them: the
  // record's own rules (data minimisation, card numbers, limits, currency), room in the store,
  // and the payment it names still open. The pre-flight before a payment and commit() both run
  // exactly this, so they cannot drift apart.
  Expected<void> check_locked(const TransactionDraft& draft) {
    if (auto valid = validate_draft(draft); !valid) return std::unexpected(valid.error());
    if (auto room = capacity_locked(false); !room) return std::unexpected(room.error());
    return payment_open_locked(draft.payment_reference);
  }

  // A transaction that names a payment the kiosk took through the terminal may be stored only
  // while that payment is open: never once it is being reversed, reversed or in another
  // transaction. A reference with no intent (paid elsewhere, by reference) is not checked here.
  Expected<void> payment_open_locked(const std::string& reference) {
    if (reference.empty()) return {};
    auto stmt = cached("SELECT state FROM payment_intents WHERE reference = ?");
    if (!stmt) return std::unexpected(stmt.error());
    auto row = (*stmt)->bind(1, reference).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    std::string state = (*stmt)->column_text(0);
    (*stmt)->reset();
    if (state != "open") {
      return fail(Errc::invalid_argument,
                  fmt::format("payment {} is {}, not open: its transaction is not stored",
                              reference, state));
    }
    return {};
  }
};

TransactionStore::TransactionStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TransactionStore::~TransactionStore() = default;

namespace {

enum class JournalFile { absent, empty, present };

// An empty journal is a zero-byte file with no write-ahead log holding its pages. The store never
// leaves one behind itself (create_journal builds a new journal under another name).
JournalFile journal_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return JournalFile::absent;
  auto size = fs::file_size(path, ec);
  if (ec || size > 0) return JournalFile::present;
  fs::path wal = path;
  wal += "-wal";
  auto wal_size = fs::file_size(wal, ec);
  return !ec && wal_size > 0 ? JournalFile::present : JournalFile::empty;
}

// A connection as the store uses it: WAL, synchronous=FULL, the current schema.
Expected<sqlite::Database> open_database(const fs::path& path,
                                         const TransactionStore::Options& options, bool create) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  if (!db) return std::unexpected(db.error());
  auto mode = db->query_text("PRAGMA journal_mode=WAL");
  if (!mode) return std::unexpected(mode.error());
  if (*mode != "wal")
    return fail(Errc::unsupported,
                fmt::format("{} cannot use WAL (mode {})", path.string(), *mode));
  if (auto ok = db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"); !ok)
    return std::unexpected(ok.error());
  if (options.max_page_count > 0) {
    if (auto ok = db->exec(fmt::format("PRAGMA max_page_count={}", options.max_page_count)); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (auto migrated = store_schema::migrate(*db); !migrated)
    return std::unexpected(migrated.error());
  return db;
}

Expected<std::int64_t> new_journal_id() {
  std::array<std::uint8_t, 8> bytes{};
  if (auto ok = random_bytes(bytes); !ok) return std::unexpected(ok.error());
  std::uint64_t value = 0;
  for (auto b : bytes) value = (value << 8) | static_cast<std::uint64_t>(b);
  // Positive and never zero: zero is "no journal" in the marks.
  return static_cast<std::int64_t>(value >> 1) | 1;
}

// The journal's id, made and stored on first use (journals older than the marks have none).
Expected<std::int64_t> journal_id(sqlite::Database& db) {
  auto id = db.query_int("SELECT value FROM counters WHERE name = 'journal_id'");
  if (id || id.error().code != Errc::not_found) return id;
  auto made = new_journal_id();
  if (!made) return made;
  auto insert = db.prepare("INSERT INTO counters(name, value) VALUES ('journal_id', ?)");
  if (!insert) return std::unexpected(insert.error());
  if (auto ok = insert->bind(1, *made).run(); !ok) return std::unexpected(ok.error());
  return made;
}

// Makes a new, empty journal whose next sequence follows `last_sequence`. It is built under
// "<path>.new" and renamed into place once complete and closed, so that a crash never leaves a
// half-made journal under the real name (an empty journal.db is always damage).
Expected<void> create_journal(const TransactionStore::Options& options,
                              std::int64_t last_sequence) {
  fs::path fresh = options.path;
  fresh += ".new";
  std::error_code ec;
  for (std::string_view suffix : {"", "-wal", "-shm"}) {
    fs::path leftover = fresh;
    leftover += suffix;
    fs::remove(leftover, ec);
  }
  {
    auto db = open_database(fresh, options, true);
    if (!db) return std::unexpected(db.error());
    auto tx = sqlite::Transaction::begin(*db);
    if (!tx) return std::unexpected(tx.error());
    if (auto id = journal_id(*db); !id) return std::unexpected(id.error());
    auto counter = db->prepare("UPDATE counters SET value = ? WHERE name = 'last_sequence'");
    if (!counter) return std::unexpected(counter.error());
    if (auto ok = counter->bind(1, last_sequence).run(); !ok) return ok;
    if (auto ok = tx->commit(); !ok) return ok;
  }  // closing the last connection checkpoints the log into the file and removes it
  fs::rename(fresh, options.path, ec);
  if (ec)
    return fail(Errc::io,
                fmt::format("cannot move {} into place: {}", fresh.string(), ec.message()));
  return {};
}

struct Opening {
  sqlite::Database db;
  JournalMarks marks;
  StartupVerification verified;
};

// Opens an existing journal, checks it against its marks (when there are any), verifies what
// no earlier open verified, and moves the marks forward. Errc::integrity means the journal is
// damaged or not the one the marks describe; the caller moves it aside.
Expected<Opening> open_and_verify(const TransactionStore::Options& options,
                                  const std::optional<JournalMarks>& found) {
  auto db = open_database(options.path, options, false);
  if (!db) return std::unexpected(db.error());
  auto id = journal_id(*db);
  if (!id) return std::unexpected(id.error());
  auto last = db->query_int("SELECT value FROM counters WHERE name = 'last_sequence'");
  if (!last) {
    if (last.error().code == Errc::not_found)
      return fail(Errc::integrity, "its sequence counter is missing");
    return std::unexpected(last.error());
  }
  JournalMarks marks;
  if (found) {
    marks = *found;
    if (marks.journal_id != *id) {
      return fail(Errc::integrity,
                  fmt::format("it is not the journal this kiosk kept (journal id {}, expected {})",
                              *id, marks.journal_id));
    }
    if (*last + k_sequence_reservation < marks.reserved_sequence) {
      return fail(
          Errc::integrity,
          fmt::format(
              "it ends at sequence {} but this kiosk has used sequence {} or later: an older copy",
              *last, marks.reserved_sequence - k_sequence_reservation));
    }
  } else {
    // A journal from before the marks, or whose marks were removed: verified once, whole.
    marks.journal_id = *id;
    marks.reserved_sequence = *last;
  }
  auto verified = verify_since_marks(*db, marks, options.device_key->public_key());
  if (!verified) return std::unexpected(verified.error());
  marks.reserved_sequence = std::max(marks.reserved_sequence, *last + k_sequence_reservation);
  if (auto written = write_journal_marks(journal_marks_path(options.path), marks); !written) {
    return std::unexpected(written.error());
  }
  return Opening{std::move(*db), std::move(marks), *verified};
}

// What a kiosk that has used its journal says when the journal is gone or empty.
Error lost_journal(const TransactionStore::Options& options,
                   const std::optional<JournalMarks>& marks, JournalFile file, const Log& log) {
  const fs::path& path = options.path;
  std::string what = file == JournalFile::absent ? "is missing" : "is empty (0 bytes)";
  if (file == JournalFile::empty) {
    if (auto aside = move_store_aside(path, options.wall_clock_ms())) {
      what += fmt::format(" and was moved aside to {}", aside->string());
    } else {
      what += fmt::format(" ({})", aside.error().message);
    }
  }
  std::string used =
      marks ? fmt::format("has reserved sequence numbers up to {}", marks->reserved_sequence)
            : "has used it";
  fs::path data_dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string message = fmt::format(
      "{} {} on a kiosk that {}; out of service until a technician accepts a new journal "
      "(shubbakctl kiosk accept-new-journal --data-dir {} --reason TEXT), which continues the "
      "sequence after {}",
      path.string(), what, used, data_dir.string(), marks ? marks->reserved_sequence : 0);
  log.error("{}", message);
  return Error{Errc::not_found, message};
}

}  // namespace

Expected<std::unique_ptr<TransactionStore>> TransactionStore::open(Options options, Log log) {
  if (options.device_key == nullptr)
    return fail(Errc::invalid_argument, "the store needs a device key");
  if (!is_valid_utf8(options.kiosk_id))
    return fail(Errc::invalid_argument, "the kiosk id is not valid UTF-8");
  if (!options.wall_clock_ms) options.wall_clock_ms = system_wall_ms;
  if (options.boot_id.empty()) options.boot_id = read_boot_id();
  const fs::path& path = options.path;

  auto marks = read_journal_marks(journal_marks_path(path));
  if (!marks) {
    log.error("{}", marks.error().message);
    return std::unexpected(marks.error());
  }
  JournalFile file = journal_file(path);
  // A journal that is gone while its marks are there, or empty in any case: never recreated here.
  // (Gone after an earlier start moved it aside: check_store_file says so, below.)
  if (file == JournalFile::empty ||
      (file == JournalFile::absent && *marks && !moved_aside_copy(path))) {
    return std::unexpected(lost_journal(options, *marks, file, log));
  }
  // SQLite's structural check reads every page: it runs here only for a journal met for the first
  // time (no marks yet); otherwise check_integrity() runs it after the start, and what it found
  // then is acted on here.
  if (file == JournalFile::present && *marks && !(*marks)->damage.empty()) {
    auto aside = move_store_aside(path, options.wall_clock_ms());
    if (!aside) return std::unexpected(aside.error());
    std::string message =
        fmt::format("{} failed its integrity check after the last start ({}); moved aside to {}",
                    path.string(), (*marks)->damage, aside->string());
    log.error("{}", message);
    return fail(Errc::integrity, message);
  }
  if (auto checked = check_store_file(path, options.wall_clock_ms(), log, !*marks); !checked) {
    return std::unexpected(checked.error());
  }
  if (file == JournalFile::absent) {
    if (auto created = create_journal(options, 0); !created)
      return std::unexpected(created.error());
  }

  auto opening = open_and_verify(options, *marks);
  if (!opening) {
    if (opening.error().code != Errc::integrity) return std::unexpected(opening.error());
    // The connection is closed: keep the damaged journal whole for the technician.
    auto aside = move_store_aside(path, options.wall_clock_ms());
    if (!aside) return std::unexpected(aside.error());
    log.error("{} is damaged ({}); moved aside to {} for a technician", path.string(),
              opening.error().message, aside->string());
    return fail(Errc::integrity, fmt::format("{} is damaged ({}); moved aside to {}", path.string(),
                                             opening.error().message, aside->string()));
  }
  auto page_size = opening->db.query_int("PRAGMA page_size");
  if (!page_size) return std::unexpected(page_size.error());
  StartupVerification verified = opening->verified;
  if (verified.records_verified > 0 || verified.audit_entries_verified > 0) {
    log.info("verified {} new record(s) after sequence {} and {} new audit entries after entry {}",
             verified.records_verified, verified.records_after, verified.audit_entries_verified,
             verified.audit_after);
  }

  auto impl = std::make_unique<Impl>(std::move(options), log, std::move(opening->db));
  impl->page_size = *page_size;
  impl->marks = std::move(opening->marks);
  impl->verified = verified;
  std::unique_ptr<TransactionStore> store(new TransactionStore(std::move(impl)));
  // A full disk at start is not fatal: the store opens out of service and says why.
  (void)store->check_capacity();
  Json detail = {{"schema", store_schema::current_version()},
                 {"kiosk_id", store->m_impl->options.kiosk_id},
                 {"verified_records", verified.records_verified},
                 {"verified_audit_entries", verified.audit_entries_verified}};
  if (auto opened = store->record_event(audit_kind::store_opened, safe_dump(detail)); !opened) {
    store->m_impl->log.warn("cannot audit the store opening: {}", opened.error().describe());
  }
  return store;
}

Expected<std::unique_ptr<TransactionStore>> TransactionStore::accept_new_journal(
    Options options, Log log, std::string_view reason, std::int64_t continue_after) {
  if (options.device_key == nullptr)
    return fail(Errc::invalid_argument, "the store needs a device key");
  if (!options.wall_clock_ms) options.wall_clock_ms = system_wall_ms;
  if (reason.empty()) return fail(Errc::invalid_argument, "say why a new journal is accepted");
  const fs::path& path = options.path;
  auto marks = read_journal_marks(journal_marks_path(path));
  if (!marks && continue_after <= 0) {
    return fail(
        Errc::invalid_argument,
        fmt::format(
            "{}; give the last sequence this kiosk is known to have used (e.g. the portal's) to "
            "continue after it",
            marks.error().message));
  }
  JournalFile file = journal_file(path);
  if (file == JournalFile::present) {
    return fail(Errc::invalid_argument,
                fmt::format("{} is there and not empty: nothing to accept (the kiosk opens it)",
                            path.string()));
  }
  std::vector<std::string> moved;
  if (file == JournalFile::empty) {
    auto aside = move_store_aside(path, options.wall_clock_ms());
    if (!aside) return std::unexpected(aside.error());
    moved.push_back(aside->string());
  }
  if (auto earlier = moved_aside_copy(path)) moved.push_back(earlier->string());
  std::int64_t previous = marks && *marks ? (*marks)->reserved_sequence : 0;
  std::int64_t last = std::max(previous, continue_after);
  if (auto created = create_journal(options, last); !created)
    return std::unexpected(created.error());
  // New marks for the new journal: nothing in it at or below `last` to verify.
  auto id = [&]() -> Expected<std::int64_t> {
    auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE);
    if (!db) return std::unexpected(db.error());
    return db->query_int("SELECT value FROM counters WHERE name = 'journal_id'");
  }();
  if (!id) return std::unexpected(id.error());
  JournalMarks fresh;
  fresh.journal_id = *id;
  fresh.reserved_sequence = last;
  fresh.verified_sequence = last;
  if (auto written = write_journal_marks(journal_marks_path(path), fresh); !written) {
    return std::unexpected(written.error());
  }
  auto store = open(options, log);
  if (!store) return store;
  Json detail = {{"reason", std::string(reason)},
                 {"continues_after", last},
                 {"previous_reserved_sequence", previous},
                 {"moved_aside", moved}};
  if (auto audited = (*store)->record_event(audit_kind::new_journal, safe_dump(detail)); !audited) {
    return std::unexpected(audited.error());
  }
  log.warn("a technician accepted a new journal at {}: sequences continue after {} ({})",
           path.string(), last, reason);
  return store;
}

Expected<void> TransactionStore::check_integrity(const std::atomic<bool>* cancel) {
  Impl& s = *m_impl;
  auto started = std::chrono::steady_clock::now();
  auto problem = structural_problem(s.options.path, cancel);
  if (!problem) return std::unexpected(problem.error());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started);
  if (problem->empty()) {
    s.log.info("integrity check passed ({} ms)", ms.count());
    return {};
  }
  std::string found = problem->substr(0, 1000);
  std::lock_guard lock(s.mutex);
  s.fault = OutOfService{
      OutOfServiceReason::storage_corrupt,
      fmt::format("{} failed its integrity check ({}); it is moved aside at the next start",
                  s.options.path.string(), found)};
  s.log.error("out of service: {}", s.fault->detail);
  JournalMarks marked = s.marks;
  marked.damage = found;
  if (auto written = write_journal_marks(journal_marks_path(s.options.path), marked); written) {
    s.marks = marked;
  } else {
    s.log.error("cannot note the damage beside the journal: {}", written.error().describe());
  }
  return fail(Errc::integrity, s.fault->detail);
}

Expected<void> TransactionStore::check_capacity() {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->capacity_locked(true);
}

Expected<void> TransactionStore::check(const TransactionDraft& draft) {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->check_locked(draft);
}

std::optional<OutOfService> TransactionStore::out_of_service() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->fault;
}

Expected<TransactionRecord> TransactionStore::commit_durably(const TransactionDraft& draft) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  // Refuse before anything is taken: the citizen has not been told "submitted" yet.
  if (auto checked = s.check_locked(draft); !checked) return std::unexpected(checked.error());

  TransactionRecord record;
  record.kiosk_id = s.options.kiosk_id;
  record.wall_ms = s.now();
  record.boot_id = s.options.boot_id;
  record.service_id = draft.service_id;
  record.service_version = draft.service_version;
  record.amount = draft.amount;
  record.payment_reference = draft.payment_reference;
  record.fields = draft.fields;
  auto id = s.ids.next(record.wall_ms);
  if (!id) return std::unexpected(id.error());
  record.id = std::move(*id);

  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  auto read_last = [&]() -> Expected<std::int64_t> {
    auto last = s.cached("SELECT value FROM counters WHERE name = 'last_sequence'");
    if (!last) return std::unexpected(last.error());
    auto row = (*last)->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(Errc::integrity, "the sequence counter is missing");
    std::int64_t value = (*last)->column_int(0);
    (*last)->reset();
    return value;
  };
  auto last = read_last();
  if (!last) return std::unexpected(s.note_failure(last.error()));
  record.sequence = *last + 1;
  if (auto reserved = s.reserve(record.sequence); !reserved)
    return std::unexpected(s.note_failure(reserved.error()));
  record.canonical = canonical_json(record);
  auto signature = s.options.device_key->sign(record.canonical);
  if (!signature) return std::unexpected(signature.error());
  record.signature = std::move(*signature);

  auto step = [&]() -> Expected<void> {
    auto counter = s.cached("UPDATE counters SET value = ? WHERE name = 'last_sequence'");
    if (!counter) return std::unexpected(counter.error());
    if (auto ok = (*counter)->bind(1, record.sequence).run(); !ok) return ok;
    auto journal = s.cached(
        "INSERT INTO journal(sequence, id, wall_ms, record, signature) VALUES (?,?,?,?,?)");
    if (!journal) return std::unexpected(journal.error());
    sqlite::Statement& insert = **journal;
    insert.bind(1, record.sequence).bind(2, record.id).bind(3, record.wall_ms);
    insert.bind(4, record.canonical).bind(5, base64_encode(record.signature));
    if (auto ok = insert.run(); !ok) return ok;
    auto outbox = s.cached("INSERT INTO outbox(sequence, state) VALUES (?, 'pending')");
    if (!outbox) return std::unexpected(outbox.error());
    if (auto ok = (*outbox)->bind(1, record.sequence).run(); !ok) return ok;
    Json detail = {
        {"id", record.id}, {"sequence", record.sequence}, {"service", record.service_id}};
    if (auto audited = s.append_audit(audit_kind::submit, safe_dump(detail)); !audited) {
      return std::unexpected(audited.error());
    }
    // The payment this transaction includes is settled by the same commit: after a crash the
    // kiosk finds both or neither, never a stored transaction beside an open payment.
    if (!record.payment_reference.empty()) {
      auto settle = s.cached(
          "UPDATE payment_intents SET state = 'settled', transaction_id = ?, updated_ms = ? "
          "WHERE reference = ? AND state = 'open'");
      if (!settle) return std::unexpected(settle.error());
      (*settle)->bind(1, record.id).bind(2, record.wall_ms).bind(3, record.payment_reference);
      if (auto ok = (*settle)->run(); !ok) return ok;
      if (s.db.changes() > 0) {
        Json paid = {{"reference", record.payment_reference},
                     {"transaction", record.id},
                     {"decision", "settled"}};
        if (auto audited = s.append_audit(audit_kind::payment_settled, paid.dump()); !audited) {
          return std::unexpected(audited.error());
        }
      }
    }
    return tx->commit();
  };
  if (auto done = step(); !done) return std::unexpected(s.note_failure(done.error()));
  // After each commit: a store that has just run short is out of service before the next
  // citizen begins (the commit itself proved the directory writable).
  (void)s.capacity_locked(false);
  return record;
}

Expected<TransactionRecord> TransactionStore::commit(const TransactionDraft& draft) {
  auto record = commit_durably(draft);
  if (record) m_impl->notify_listeners();
  return record;
}

TransactionStore::CommitListenerId TransactionStore::add_commit_listener(
    std::function<void()> listener) {
  std::lock_guard lock(m_impl->listeners_mutex);
  CommitListenerId id = m_impl->next_listener++;
  m_impl->listeners.emplace(id, std::move(listener));
  return id;
}

void TransactionStore::remove_commit_listener(CommitListenerId id) {
  std::lock_guard lock(m_impl->listeners_mutex);
  m_impl->listeners.erase(id);
}

const StartupVerification& TransactionStore::startup_verification() const {
  return m_impl->verified;
}

Expected<void> TransactionStore::record_event(std::string_view kind, std::string_view detail_json) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  if (auto entry = s.append_audit(kind, detail_json); !entry)
    return std::unexpected(s.note_failure(entry.error()));
  if (auto done = tx->commit(); !done) return std::unexpected(s.note_failure(done.error()));
  return {};
}

Expected<void> TransactionStore::in_transaction(
    const std::function<Expected<void>(StoreTransaction&)>& work) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  StoreTransaction access{s.db, s.now(),
                          [&s](std::string_view kind, std::string_view detail) -> Expected<void> {
                            auto entry = s.append_audit(kind, detail);
                            if (!entry) return std::unexpected(entry.error());
                            return {};
                          }};
  if (auto done = work(access); !done) return std::unexpected(s.note_failure(done.error()));
  if (auto done = tx->commit(); !done) return std::unexpected(s.note_failure(done.error()));
  return {};
}

Expected<std::vector<OutboxItem>> TransactionStore::next_batch(std::size_t limit) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto stmt = s.db.prepare(
      "SELECT o.sequence, j.id, j.record, j.signature FROM outbox o JOIN journal j ON j.sequence = "
      "o.sequence "
      "WHERE o.state = 'pending' ORDER BY o.sequence LIMIT ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, static_cast<std::int64_t>(limit));
  std::vector<OutboxItem> items;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    items.push_back(OutboxItem{stmt->column_int(0), stmt->column_text(1), stmt->column_text(2),
                               stmt->column_text(3)});
  }
  return items;
}

Expected<void> TransactionStore::apply_results(const std::vector<UploadResult>& results) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  auto sent = s.db.prepare(
      "UPDATE outbox SET state = 'sent', acknowledged_wall_ms = ?, portal_result = ? "
      "WHERE state = 'pending' AND sequence = (SELECT sequence FROM journal WHERE id = ?)");
  auto quarantine = s.db.prepare(
      "UPDATE outbox SET state = 'quarantined', portal_result = 'rejected', reason = ? "
      "WHERE state = 'pending' AND sequence = (SELECT sequence FROM journal WHERE id = ?)");
  if (!sent) return std::unexpected(sent.error());
  if (!quarantine) return std::unexpected(quarantine.error());
  std::int64_t now = s.now();
  for (const auto& result : results) {
    if (result.outcome == UploadOutcome::rejected) {
      quarantine->reset();
      if (auto ok = quarantine->bind(1, result.reason).bind(2, result.id).run(); !ok) {
        return std::unexpected(s.note_failure(ok.error()));
      }
      if (s.db.changes() == 0) continue;  // not pending (already handled): nothing to audit
      Json detail = {{"id", result.id}, {"reason", result.reason}};
      if (auto audited = s.append_audit(audit_kind::upload_rejected, safe_dump(detail)); !audited) {
        return std::unexpected(s.note_failure(audited.error()));
      }
      s.log.warn("portal rejected transaction {}: {}; quarantined", result.id, result.reason);
    } else {
      sent->reset();
      if (auto ok =
              sent->bind(1, now).bind(2, outcome_name(result.outcome)).bind(3, result.id).run();
          !ok) {
        return std::unexpected(s.note_failure(ok.error()));
      }
    }
  }
  if (auto done = tx->commit(); !done) return std::unexpected(s.note_failure(done.error()));
  return {};
}

Expected<StoreHealth> TransactionStore::health() {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  StoreHealth health;
  auto counts = s.db.prepare(
      "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), "
      "(SELECT count(*) FROM outbox WHERE state = 'quarantined'), "
      "(SELECT min(j.wall_ms) FROM outbox o JOIN journal j ON j.sequence = o.sequence WHERE "
      "o.state = 'pending'), "
      "(SELECT value FROM counters WHERE name = 'last_sequence'), "
      "(SELECT seq FROM audit ORDER BY seq DESC LIMIT 1), (SELECT hash FROM audit ORDER BY seq "
      "DESC LIMIT 1)");
  if (!counts) return std::unexpected(counts.error());
  auto row = counts->step();
  if (!row) return std::unexpected(row.error());
  health.queue_depth = counts->column_int(0);
  health.quarantined = counts->column_int(1);
  if (!counts->column_is_null(2)) health.oldest_pending_wall_ms = counts->column_int(2);
  health.last_sequence = counts->column_int(3);
  health.audit_head_seq = counts->column_int(4);
  health.audit_head_hash =
      counts->column_is_null(5) ? std::string(k_audit_genesis_hash) : counts->column_text(5);
  health.out_of_service = s.fault;
  return health;
}

Expected<std::vector<QuarantinedItem>> TransactionStore::quarantined() {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto stmt = s.db.prepare(
      "SELECT o.sequence, j.id, coalesce(o.reason, '') FROM outbox o JOIN journal j ON j.sequence "
      "= o.sequence "
      "WHERE o.state = 'quarantined' ORDER BY o.sequence");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<QuarantinedItem> items;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    items.push_back(
        QuarantinedItem{stmt->column_int(0), stmt->column_text(1), stmt->column_text(2)});
  }
  return items;
}

Expected<void> TransactionStore::requeue_quarantined(std::string_view id) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  auto stmt = s.db.prepare(
      "UPDATE outbox SET state = 'pending', portal_result = NULL, reason = NULL "
      "WHERE state = 'quarantined' AND sequence = (SELECT sequence FROM journal WHERE id = ?)");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto ok = stmt->bind(1, id).run(); !ok) return std::unexpected(s.note_failure(ok.error()));
  if (s.db.changes() == 0)
    return fail(Errc::not_found, fmt::format("no quarantined transaction {}", id));
  Json detail = {{"id", id}, {"action", "requeue"}};
  if (auto audited = s.append_audit("upload.requeued", safe_dump(detail)); !audited) {
    return std::unexpected(s.note_failure(audited.error()));
  }
  if (auto done = tx->commit(); !done) return std::unexpected(s.note_failure(done.error()));
  return {};
}

Expected<void> TransactionStore::requeue(std::string_view id) {
  auto done = requeue_quarantined(id);
  if (done) m_impl->notify_listeners();
  return done;
}

Expected<void> TransactionStore::quarantine_unsendable(std::int64_t sequence,
                                                       std::string_view reason) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  auto stmt = s.db.prepare(
      "UPDATE outbox SET state = 'quarantined', portal_result = NULL, reason = ? "
      "WHERE state = 'pending' AND sequence = ?");
  if (!stmt) return std::unexpected(stmt.error());
  std::string why = fmt::format("not sent: {}", reason);
  if (auto ok = stmt->bind(1, why).bind(2, sequence).run(); !ok)
    return std::unexpected(s.note_failure(ok.error()));
  if (s.db.changes() == 0)
    return fail(Errc::not_found, fmt::format("no pending transaction {}", sequence));
  Json detail = {{"sequence", sequence}, {"reason", why}};
  if (auto audited = s.append_audit(audit_kind::upload_unencodable, safe_dump(detail)); !audited) {
    return std::unexpected(s.note_failure(audited.error()));
  }
  if (auto done = tx->commit(); !done) return std::unexpected(s.note_failure(done.error()));
  s.log.error("transaction {} cannot be sent ({}); quarantined for a technician", sequence, reason);
  return {};
}

Expected<std::int64_t> TransactionStore::purge_acknowledged(std::chrono::days retention) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  std::int64_t cutoff =
      s.now() - std::chrono::duration_cast<std::chrono::milliseconds>(retention).count();
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(s.note_failure(tx.error()));
  auto doomed = s.db.exec(
      fmt::format("CREATE TEMP TABLE IF NOT EXISTS purge_set(sequence INTEGER PRIMARY KEY); DELETE "
                  "FROM purge_set; "
                  "INSERT INTO purge_set SELECT sequence FROM outbox WHERE state = 'sent' AND "
                  "acknowledged_wall_ms < {};"
                  "DELETE FROM outbox WHERE sequence IN (SELECT sequence FROM purge_set);"
                  "DELETE FROM journal WHERE sequence IN (SELECT sequence FROM purge_set);",
                  cutoff));
  if (!doomed) return std::unexpected(s.note_failure(doomed.error()));
  std::int64_t purged = s.db.changes();
  if (purged > 0) {
    Json detail = {{"purged", purged}, {"retention_days", retention.count()}};
    if (auto audited = s.append_audit(audit_kind::retention_purge, safe_dump(detail)); !audited) {
      return std::unexpected(s.note_failure(audited.error()));
    }
  }
  if (auto done = tx->commit(); !done) return std::unexpected(s.note_failure(done.error()));
  return purged;
}

Expected<AuditReport> TransactionStore::verify_audit() {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto stmt = s.db.prepare(
      "SELECT seq, wall_ms, boot_id, kind, detail, prev_hash, hash FROM audit ORDER BY seq");
  if (!stmt) return std::unexpected(stmt.error());
  AuditChainVerifier verifier;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    verifier.add(AuditEntry{stmt->column_int(0), stmt->column_int(1), stmt->column_text(2),
                            stmt->column_text(3), stmt->column_text(4), stmt->column_text(5),
                            stmt->column_text(6)});
  }
  return verifier.report();
}

Expected<void> TransactionStore::for_each_audit_entry(
    const std::function<void(const AuditEntry&)>& visit) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto stmt = s.db.prepare(
      "SELECT seq, wall_ms, boot_id, kind, detail, prev_hash, hash FROM audit ORDER BY seq");
  if (!stmt) return std::unexpected(stmt.error());
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    visit(AuditEntry{stmt->column_int(0), stmt->column_int(1), stmt->column_text(2),
                     stmt->column_text(3), stmt->column_text(4), stmt->column_text(5),
                     stmt->column_text(6)});
  }
}

Expected<TransactionRecord> TransactionStore::find(std::string_view id) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto stmt = s.db.prepare("SELECT record, signature FROM journal WHERE id = ?");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->bind(1, id).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, fmt::format("no transaction {}", id));
  auto record = parse_record(stmt->column_text(0));
  if (!record) return record;
  auto signature = base64_decode(stmt->column_text(1));
  if (!signature) return std::unexpected(signature.error());
  record->signature = std::move(*signature);
  return record;
}

}  // namespace shubbak
