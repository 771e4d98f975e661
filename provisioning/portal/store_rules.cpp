#include "provisioning/portal/store_rules.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kiosk/crypto/device_key.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal {

std::string batch_refusal(std::string_view client_kiosk_id, const portal_protocol::Batch& batch,
                          Bytes& device_key) {
  if (batch.kiosk_id != client_kiosk_id) {
    return fmt::format("batch names kiosk \"{}\" but the client certificate is \"{}\"",
                       portal_protocol::printable(batch.kiosk_id),
                       portal_protocol::printable(client_kiosk_id));
  }
  auto offered = base64_decode(batch.device_key);
  if (!offered || offered->size() != k_ed25519_public_key_size) return "malformed device key";
  device_key = std::move(*offered);
  return {};
}

std::string item_refusal(std::string_view client_kiosk_id, const Bytes& device_key,
                         const OutboxItem& item, const TransactionRecord& record) {
  if (record.id != item.id) return "record id differs from the item id";
  if (auto valid = validate_record(record); !valid) return valid.error().message;
  if (record.kiosk_id != client_kiosk_id) return "record belongs to another kiosk";
  auto signature = base64_decode(item.signature);
  if (!signature || !verify_ed25519(device_key, as_bytes(item.record), *signature)) {
    return "device signature does not verify";
  }
  return {};
}

std::string enrolment_refusal(std::string_view kiosk_id, const StoredToken& token,
                              std::int64_t now_ms) {
  if (token.issued_for.empty()) return "the enrolment token is unknown to this portal";
  // Only the holder of the token learns which id it was issued for.
  if (token.issued_for != kiosk_id) {
    return fmt::format("the enrolment token was issued for kiosk id \"{}\", not \"{}\"",
                       portal_protocol::printable(token.issued_for),
                       portal_protocol::printable(kiosk_id));
  }
  if (token.used) return "the enrolment token was already used";
  if (token.revoked) return "the enrolment token was revoked by the portal's admin";
  if (token.expires_ms <= now_ms) return "the enrolment token has expired";
  return {};
}

std::string join_groups(const std::vector<std::string>& groups) {
  return fmt::format("{}", fmt::join(groups, " "));
}

std::vector<std::string> split_groups(std::string_view joined) {
  std::vector<std::string> groups;
  while (!joined.empty()) {
    auto space = joined.find(' ');
    auto name = joined.substr(0, space);
    if (!name.empty()) groups.emplace_back(name);
    if (space == std::string_view::npos) break;
    joined.remove_prefix(space + 1);
  }
  return groups;
}

bool is_token_id(std::string_view id) {
  return id.size() == k_token_id_digits && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<UploadResult> reject_all(const portal_protocol::Batch& batch,
                                     const std::string& reason) {
  std::vector<UploadResult> results;
  results.reserve(batch.items.size());
  for (const auto& item : batch.items)
    results.push_back(UploadResult{item.id, UploadOutcome::rejected, reason});
  return results;
}

std::int64_t portal_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace shubbak::portal
