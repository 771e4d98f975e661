// What the portal refuses to store, whichever database stores it: the rules both storage
// backends apply to uploaded batches and enrolment tokens before they write anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak::portal {

// Why no item of `batch` from `client_kiosk_id` can be stored (it names another kiosk, or its
// device key is malformed), or empty when its items may be checked one by one. On success
// `device_key` holds the decoded key.
std::string batch_refusal(std::string_view client_kiosk_id, const portal_protocol::Batch& batch,
                          Bytes& device_key);

// Why `item` (parsed into `record`) cannot be stored for `client_kiosk_id` under `device_key`,
// or empty when it may.
std::string item_refusal(std::string_view client_kiosk_id, const Bytes& device_key,
                         const OutboxItem& item, const TransactionRecord& record);

// What the store holds for an enrolment token's hash.
struct StoredToken {
  std::string issued_for;  // empty: no such token
  bool used = false;
  bool revoked = false;
  std::int64_t expires_ms = 0;
};

// Why the token cannot enrol `kiosk_id`, or empty when it may.
std::string enrolment_refusal(std::string_view kiosk_id, const StoredToken& token,
                              std::int64_t now_ms);

// A kiosk's or a token's groups as one column: the names (kiosk/core/kiosk_group.hpp, never
// holding a space) joined by spaces, and back.
std::string join_groups(const std::vector<std::string>& groups);
std::vector<std::string> split_groups(std::string_view joined);

// Whether `id` has the form of an enrolment token's id (EnrolmentTokenInfo::id).
bool is_token_id(std::string_view id);

// Every item of `batch` rejected for `reason`.
std::vector<UploadResult> reject_all(const portal_protocol::Batch& batch,
                                     const std::string& reason);

// The portal's clock, in milliseconds since the Unix epoch.
std::int64_t portal_now_ms();

}  // namespace shubbak::portal
