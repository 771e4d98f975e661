#include "kiosk/store/journal_verification.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/transaction_record.hpp"

namespace shubbak {

namespace {

// Why one stored record does not verify; empty when it does.
std::string record_problem(std::int64_t sequence, const std::string& id, std::int64_t wall_ms,
                           const std::string& canonical, const std::string& signature_b64,
                           std::span<const std::uint8_t> public_key) {
  auto record = parse_record(canonical);
  if (!record) return record.error().message;
  if (record->sequence != sequence)
    return fmt::format("its payload says sequence {}", record->sequence);
  if (record->id != id) return "its payload carries another id";
  if (record->wall_ms != wall_ms) return "its payload carries another time";
  auto signature = base64_decode(signature_b64);
  if (!signature || signature->size() != k_ed25519_signature_size)
    return "its signature is not readable";
  if (!verify_ed25519(public_key, as_bytes(canonical), *signature))
    return "the device signature does not verify";
  return {};
}

Expected<void> verify_records(sqlite::Database& db, JournalMarks& marks,
                              std::span<const std::uint8_t> public_key,
                              StartupVerification& report) {
  auto last = db.query_int("SELECT value FROM counters WHERE name = 'last_sequence'");
  if (!last) return std::unexpected(last.error());
  auto stmt = db.prepare(
      "SELECT sequence, id, wall_ms, record, signature FROM journal WHERE sequence > ? ORDER BY "
      "sequence");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, marks.verified_sequence);
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::int64_t sequence = stmt->column_int(0);
    if (sequence > *last) {
      return fail(Errc::integrity,
                  fmt::format("record {} lies beyond the sequence counter ({})", sequence, *last));
    }
    auto problem = record_problem(sequence, stmt->column_text(1), stmt->column_int(2),
                                  stmt->column_text(3), stmt->column_text(4), public_key);
    if (!problem.empty())
      return fail(Errc::integrity, fmt::format("record {} is damaged: {}", sequence, problem));
    if (report.records_verified == 0) report.first_sequence = sequence;
    report.last_sequence = sequence;
    ++report.records_verified;
  }
  // Purged or not, nothing at or below the counter needs checking again.
  marks.verified_sequence = std::max(marks.verified_sequence, *last);
  return {};
}

Expected<void> verify_audit(sqlite::Database& db, JournalMarks& marks,
                            StartupVerification& report) {
  if (marks.verified_audit_seq > 0) {
    // The last verified entry is the anchor the rest hangs from: it must be there, unchanged.
    auto anchor = db.prepare("SELECT hash FROM audit WHERE seq = ?");
    if (!anchor) return std::unexpected(anchor.error());
    auto row = anchor->bind(1, marks.verified_audit_seq).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) {
      return fail(Errc::integrity,
                  fmt::format("audit entry {}, verified at an earlier start, is missing",
                              marks.verified_audit_seq));
    }
    if (anchor->column_text(0) != marks.verified_audit_hash) {
      return fail(Errc::integrity,
                  fmt::format("audit entry {}, verified at an earlier start, was changed since",
                              marks.verified_audit_seq));
    }
  }
  auto stmt = db.prepare(
      "SELECT seq, wall_ms, boot_id, kind, detail, prev_hash, hash FROM audit WHERE seq > ? ORDER "
      "BY seq");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, marks.verified_audit_seq);
  AuditChainVerifier verifier(marks.verified_audit_seq, marks.verified_audit_hash);
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    AuditEntry entry{stmt->column_int(0),  stmt->column_int(1),  stmt->column_text(2),
                     stmt->column_text(3), stmt->column_text(4), stmt->column_text(5),
                     stmt->column_text(6)};
    if (!verifier.add(entry)) break;
  }
  const AuditReport& audit = verifier.report();
  if (audit.broken) {
    return fail(Errc::integrity, fmt::format("audit entry {} is damaged: {}", audit.broken->seq,
                                             audit.broken->reason));
  }
  report.audit_entries_verified = audit.entries;
  if (audit.entries > 0) report.first_audit_seq = marks.verified_audit_seq + 1;
  report.last_audit_seq = audit.head_seq;
  marks.verified_audit_seq = audit.head_seq;
  marks.verified_audit_hash = audit.head_hash;
  return {};
}

}  // namespace

Expected<StartupVerification> verify_since_marks(sqlite::Database& db, JournalMarks& marks,
                                                 std::span<const std::uint8_t> device_public_key) {
  StartupVerification report;
  report.records_after = marks.verified_sequence;
  report.audit_after = marks.verified_audit_seq;
  // Both must pass before either mark moves: marks are only written by the caller on success.
  JournalMarks moved = marks;
  if (auto ok = verify_records(db, moved, device_public_key, report); !ok)
    return std::unexpected(ok.error());
  if (auto ok = verify_audit(db, moved, report); !ok) return std::unexpected(ok.error());
  marks = moved;
  return report;
}

}  // namespace shubbak
