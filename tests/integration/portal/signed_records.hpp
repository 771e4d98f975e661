// Transaction records made and signed by hand, for portal tests that need records the kiosk's
// own store would refuse to write (a card number in a field, a negative sequence), signed with
// the kiosk's real device key so that only the portal's own checks can refuse them.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/store/uuid7.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak::testing {

// A record of the demo's free health-centre appointment (no payment), sequence `sequence`.
inline TransactionRecord free_health_record(std::int64_t sequence,
                                            const std::string& kiosk_id = "kiosk-7") {
  static Uuid7Generator ids;
  TransactionRecord record;
  auto id = ids.next(1'795'000'000'000 + sequence);
  REQUIRE(id);
  record.id = *id;
  record.kiosk_id = kiosk_id;
  record.sequence = sequence;
  record.wall_ms = 1'795'000'000'000 + sequence;
  record.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  record.service_id = "jordan.health.appointment";
  record.service_version = "1.0.0";
  record.fields = {{"clinic", "general"}, {"national_id", "9861031236"}};
  return record;
}

inline OutboxItem signed_item(const DeviceKey& key, const TransactionRecord& record) {
  std::string canonical = canonical_json(record);
  auto signature = key.sign(canonical);
  REQUIRE(signature);
  return OutboxItem{record.sequence, record.id, canonical, base64_encode(*signature)};
}

inline std::string batch_json(const DeviceKey& key, std::vector<OutboxItem> items,
                              const std::string& kiosk_id = "kiosk-7") {
  return portal_protocol::encode_batch(
      portal_protocol::Batch{kiosk_id, base64_encode(key.public_key()), std::move(items)});
}

}  // namespace shubbak::testing
