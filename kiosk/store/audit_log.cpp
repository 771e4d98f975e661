#include "kiosk/store/audit_log.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

std::string audit_entry_hash(std::string_view prev_hash, const AuditEntry& entry) {
  nlohmann::json fields =
      nlohmann::json::array({entry.seq, entry.wall_ms, entry.boot_id, entry.kind, entry.detail});
  std::string material = std::string(prev_hash) + "\n" +
                         fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return to_hex(sha256(material));
}

bool AuditChainVerifier::add(const AuditEntry& entry) {
  ++m_report.entries;
  if (m_report.broken) return false;
  auto broken = [&](std::string reason) {
    m_report.broken = AuditBreak{entry.seq, std::move(reason)};
    return false;
  };
  if (entry.seq != m_expected_seq) {
    // A gap is a deletion; a smaller number is a reordering or a duplicate.
    if (entry.seq > m_expected_seq) {
      return broken(fmt::format("entries {} to {} are missing", m_expected_seq, entry.seq - 1));
    }
    return broken(fmt::format("out of order: expected entry {}", m_expected_seq));
  }
  if (entry.prev_hash != m_report.head_hash) {
    return broken("does not follow the previous entry (prev_hash differs)");
  }
  if (audit_entry_hash(entry.prev_hash, entry) != entry.hash)
    return broken("content was altered (hash differs)");
  m_report.head_seq = entry.seq;
  m_report.head_hash = entry.hash;
  ++m_expected_seq;
  return true;
}

AuditReport verify_audit_chain(const std::vector<AuditEntry>& entries) {
  AuditChainVerifier verifier;
  for (const auto& entry : entries) verifier.add(entry);
  return verifier.report();
}

}  // namespace shubbak
