// The kiosk's durable transaction journal, its upload outbox and its audit log, in one SQLite
// file (WAL, synchronous=FULL). commit() writes the journal row, the outbox row and the audit
// entry in one SQLite transaction: when it returns a record, that record survives a crash or a
// power cut, and only then may the kiosk say "submitted".
//
// Faults put the store out of service instead of losing data: a full disk refuses new
// transactions before they are taken; a corrupt file found at open is moved aside and never
// silently replaced by an empty one.
//
// Each open verifies what no earlier open verified (record signatures, the audit chain) and keeps
// its high-water marks outside the database (kiosk/store/journal_marks.hpp), so start-up work
// does not grow with history, and a lost, emptied or rolled-back journal is noticed: the kiosk
// stays out of service until a technician accepts a new journal, and sequence numbers never
// restart.
//
// Threading: every method may be called from any thread; calls are serialised inside. Calls are
// short (one SQLite transaction), but commit() waits for an fsync: the UI thread should call it
// from a worker and post the result back.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/transaction_record.hpp"

namespace shubbak {

struct StoreTransaction;  // kiosk/store/store_transaction.hpp, private to kiosk/store

enum class OutOfServiceReason {
  storage_full,         // no room for another transaction
  storage_corrupt,      // the database failed its integrity check and was moved aside
  storage_unavailable,  // the database could not be opened or used
  storage_missing,      // the journal is gone or empty on a kiosk that has used it: a technician
                        // decides
};

struct OutOfService {
  OutOfServiceReason reason;
  std::string detail;  // for the log and the technician, never for the citizen
};

// The messages.toml key of the citizen-facing text for `reason`.
std::string_view message_key(OutOfServiceReason reason);
// What a failed TransactionStore::open() means for the kiosk.
OutOfServiceReason out_of_service_reason(const Error& open_error);

// One transaction waiting for (or done with) upload.
struct OutboxItem {
  std::int64_t sequence = 0;
  std::string id;
  std::string record;     // canonical JSON
  std::string signature;  // base64
};

enum class UploadOutcome { accepted, duplicate, rejected };

// "accepted", "duplicate", "rejected": as stored, and as the portal protocol says it.
std::string_view outcome_name(UploadOutcome outcome);

// The portal's word on one transaction.
struct UploadResult {
  std::string id;
  UploadOutcome outcome = UploadOutcome::rejected;
  std::string reason;  // why, when rejected
};

struct QuarantinedItem {
  std::int64_t sequence = 0;
  std::string id;
  std::string reason;
};

// What an open verified: records with a sequence above `records_after` and audit entries above
// `audit_after` (the marks left by the previous open); nothing at or below them is read again.
struct StartupVerification {
  std::int64_t records_after = 0;
  std::int64_t records_verified = 0;
  std::int64_t first_sequence = 0;  // of the records verified (0 when none)
  std::int64_t last_sequence = 0;
  std::int64_t audit_after = 0;
  std::int64_t audit_entries_verified = 0;
  std::int64_t first_audit_seq = 0;  // of the entries verified (0 when none)
  std::int64_t last_audit_seq = 0;   // the verified chain's head
};

struct StoreHealth {
  std::int64_t queue_depth = 0;  // pending upload
  std::int64_t quarantined = 0;
  std::optional<std::int64_t> oldest_pending_wall_ms;
  std::int64_t last_sequence = 0;
  std::int64_t audit_head_seq = 0;
  std::string audit_head_hash;
  std::optional<OutOfService> out_of_service;
};

class TransactionStore final {
 public:
  struct Options {
    std::filesystem::path path;  // the SQLite file, e.g. DATA_DIR/journal.db
    std::string kiosk_id;
    const DeviceKey* device_key = nullptr;  // signs every record; must outlive the store
    // New transactions are refused while the filesystem has less free space than this, or, with
    // max_page_count set, while the database has fewer free pages than this many bytes.
    std::int64_t min_free_bytes = 64LL * 1024 * 1024;
    // SQLite's max_page_count for this connection; 0 leaves SQLite's default. A small value
    // stands in for a small disk (tests, benchmarks).
    std::int64_t max_page_count = 0;
    // Wall time in Unix milliseconds; the system clock unless a test injects a jumping one.
    std::function<std::int64_t()> wall_clock_ms;
    std::string boot_id;  // empty: read from /proc
  };

  // Opens or creates the store. An existing file is checked with PRAGMA integrity_check first,
  // then every record and audit entry added since the last open is verified (signature, chain);
  // a corrupt or damaged file is moved aside to "<path>.corrupt-<unix ms>" and Errc::integrity
  // returned, naming the damage and where the file went.
  // While such a moved-aside file exists and `path` does not, open refuses to create a new store
  // (Errc::integrity): a technician decides, the kiosk never silently starts from empty.
  // When the marks beside the journal say this kiosk has used it before and the journal is
  // missing or empty (an empty one is moved aside), open returns Errc::not_found: only
  // accept_new_journal() starts another.
  static Expected<std::unique_ptr<TransactionStore>> open(Options options, Log log);

  // The technician's decision after a lost journal: starts a new one whose sequence continues
  // after the marks' reserved sequence (and after `continue_after`, e.g. the portal's last known
  // sequence for this kiosk), audits the decision with `reason`, and opens it. Refuses
  // (Errc::invalid_argument) when a non-empty journal is there, and when the marks are damaged
  // and no `continue_after` is given.
  static Expected<std::unique_ptr<TransactionStore>> accept_new_journal(
      Options options, Log log, std::string_view reason, std::int64_t continue_after = 0);

  ~TransactionStore();
  TransactionStore(const TransactionStore&) = delete;
  TransactionStore& operator=(const TransactionStore&) = delete;

  // Makes `draft` durable: journal + outbox + audit in one transaction, signed by the device key.
  // A draft naming a payment intent (its payment_reference) settles that intent in the same
  // transaction, and is refused while that intent is not open (being reversed, reversed).
  // Once durable, every commit listener is called (on the committing thread).
  Expected<TransactionRecord> commit(const TransactionDraft& draft);
  // The pre-flight: every check commit() would run on `draft` before writing (the record's rules,
  // room in the store, its payment still open), by the same code. Run it before the terminal is
  // asked for money: a draft it refuses would be refused after the citizen paid.
  Expected<void> check(const TransactionDraft& draft);

  // Called after each commit and requeue, i.e. whenever the outbox gains a pending item; the
  // uploader wakes on it instead of polling. Listeners must be quick and must not call back into
  // the store. remove_commit_listener() returns once no call to that listener is running.
  using CommitListenerId = std::uint64_t;
  CommitListenerId add_commit_listener(std::function<void()> listener);
  void remove_commit_listener(CommitListenerId id);

  // What this open verified (see StartupVerification).
  const StartupVerification& startup_verification() const;
  // Appends one audit entry on its own (`detail`: a JSON object, never citizen data).
  Expected<void> record_event(std::string_view kind, std::string_view detail_json);

  // SQLite's structural check (PRAGMA integrity_check) on a connection of its own, beside the
  // store's work: it reads every page, so it runs after a start rather than in open(). When it
  // finds damage, the store goes out of service (storage_corrupt) at once and the next open moves
  // the journal aside. Errc::cancelled when `cancel` turns true; blocks for as long as it reads.
  Expected<void> check_integrity(const std::atomic<bool>* cancel = nullptr);

  // Whether a new citizen session may start: refuses (Errc::io) when the disk is too full to take
  // its transaction or the directory does not take a write (StorageProbe), putting the store out
  // of service; clears that state once there is room again. Also run after each commit.
  Expected<void> check_capacity();
  std::optional<OutOfService> out_of_service() const;

  // Upload side: the oldest `limit` pending items in sequence order, and the portal's results.
  Expected<std::vector<OutboxItem>> next_batch(std::size_t limit);
  Expected<void> apply_results(const std::vector<UploadResult>& results);
  // Quarantines a pending item that cannot be sent at all (e.g. bytes a JSON encoder refuses),
  // by sequence since its id may be the unreadable part; audited as upload.unencodable.
  Expected<void> quarantine_unsendable(std::int64_t sequence, std::string_view reason);
  Expected<StoreHealth> health();

  // Technician side: what the portal refused, and putting one back in the queue.
  Expected<std::vector<QuarantinedItem>> quarantined();
  Expected<void> requeue(std::string_view id);

  // Deletes journal rows the portal acknowledged more than `retention` ago (by wall time).
  // Pending and quarantined rows are never purged, nor is the audit log. Returns how many.
  Expected<std::int64_t> purge_acknowledged(std::chrono::days retention);

  Expected<AuditReport> verify_audit();
  // Every audit entry in sequence order, one at a time (the technician's log export).
  Expected<void> for_each_audit_entry(const std::function<void(const AuditEntry&)>& visit);
  // A committed record by id, or Errc::not_found.
  Expected<TransactionRecord> find(std::string_view id);

 private:
  // The receipt journal lives in the same file, under the same lock and audit chain
  // (kiosk/store/receipt_journal.hpp); it reaches the database only through this.
  friend class ReceiptJournal;
  friend class PaymentIntentTable;
  Expected<void> in_transaction(const std::function<Expected<void>(StoreTransaction&)>& work);
  // commit() and requeue() under the store's lock; the listeners are called after it is released.
  Expected<TransactionRecord> commit_durably(const TransactionDraft& draft);
  Expected<void> requeue_quarantined(std::string_view id);

  struct Impl;
  explicit TransactionStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak
