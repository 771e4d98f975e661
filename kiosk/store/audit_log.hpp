// The audit log: an append-only, hash-chained list of security-relevant events (session start
// and end, submit, print, device faults, technician login, updates, upload outcomes). Entry N
// stores hash_N = SHA-256(hash_{N-1} || canonical(entry N)), so flipping a byte, deleting an
// entry or reordering entries breaks the chain at the first entry touched, and the verifier
// names it. The chain head (sequence, hash) goes out with every heartbeat, so the portal holds
// an outside anchor against the log being rewritten or cut short as a whole.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

// The kinds of event Shubbak records; `detail` is a small JSON object (never citizen data).
namespace audit_kind {
inline constexpr std::string_view store_opened = "store.opened";
inline constexpr std::string_view session_start = "session.start";
inline constexpr std::string_view session_end = "session.end";
inline constexpr std::string_view submit = "transaction.submit";
inline constexpr std::string_view print = "receipt.print";
inline constexpr std::string_view device_fault = "device.fault";
inline constexpr std::string_view technician_login = "technician.login";
inline constexpr std::string_view technician_action = "technician.action";
inline constexpr std::string_view technician_logout = "technician.logout";
inline constexpr std::string_view update = "update.install";
inline constexpr std::string_view upload_rejected = "upload.rejected";
inline constexpr std::string_view storage_full = "storage.full";
inline constexpr std::string_view retention_purge = "retention.purge";
inline constexpr std::string_view print_interrupted = "receipt.interrupted";
inline constexpr std::string_view print_collect = "receipt.collect_at_counter";
inline constexpr std::string_view reprint = "receipt.reprint";
inline constexpr std::string_view upload_unencodable = "upload.unencodable";
inline constexpr std::string_view new_journal = "store.new_journal";
// The money: a payment stored with its transaction, reversed, closed unpaid, or left open.
inline constexpr std::string_view payment_settled = "payment.settled";
inline constexpr std::string_view payment_reversed = "payment.reversed";
inline constexpr std::string_view payment_closed = "payment.closed";
inline constexpr std::string_view payment_unresolved = "payment.unresolved";
}  // namespace audit_kind

struct AuditEntry {
  std::int64_t seq = 0;  // 1, 2, 3, ... with no gaps
  std::int64_t wall_ms = 0;
  std::string boot_id;
  std::string kind;
  std::string detail;     // JSON object text
  std::string prev_hash;  // hex; 64 zeros for the first entry
  std::string hash;       // hex
};

inline constexpr std::string_view k_audit_genesis_hash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// hash_N from hash_{N-1} and the entry's own fields (its prev_hash/hash are ignored).
std::string audit_entry_hash(std::string_view prev_hash, const AuditEntry& entry);

struct AuditBreak {
  std::int64_t seq;    // the first entry that does not verify
  std::string reason;  // what is wrong with it
};

struct AuditReport {
  std::int64_t entries = 0;  // how many were read
  std::int64_t head_seq = 0;
  std::string head_hash = std::string(k_audit_genesis_hash);
  std::optional<AuditBreak> broken;  // empty when the whole chain verifies
};

// Checks entries one at a time in storage order (by seq), so a long log never has to be held in
// memory; remembers the first break.
class AuditChainVerifier {
 public:
  // From the first entry.
  AuditChainVerifier() = default;
  // From the entry after `after_seq`, whose hash (verified earlier) is `after_hash`.
  AuditChainVerifier(std::int64_t after_seq, std::string after_hash)
      : m_expected_seq(after_seq + 1) {
    m_report.head_seq = after_seq;
    m_report.head_hash = std::move(after_hash);
  }
  // False once the chain is broken (later entries are then only counted).
  bool add(const AuditEntry& entry);
  const AuditReport& report() const { return m_report; }

 private:
  AuditReport m_report;
  std::int64_t m_expected_seq = 1;
};

AuditReport verify_audit_chain(const std::vector<AuditEntry>& entries);

}  // namespace shubbak
