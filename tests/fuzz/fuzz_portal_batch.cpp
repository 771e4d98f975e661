// The portal's transaction batches as they arrive in a request body: arbitrary bytes must be
// decoded or refused cleanly, never crash; a decoded batch keeps the protocol's bounds, encodes
// back to a batch that decodes the same, and every record in it that the portal would store
// (parse_record, then validate_record) is canonical and within the record format's rules.
#include <string_view>

#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/portal_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shubbak;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto batch = portal_protocol::decode_batch(text);
  if (!batch) {
    if (batch.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (batch->items.empty() || batch->items.size() > portal_protocol::k_max_batch) __builtin_trap();
  if (!is_valid_kiosk_id(batch->kiosk_id) || batch->device_key.empty()) __builtin_trap();
  auto again = portal_protocol::decode_batch(portal_protocol::encode_batch(*batch));
  if (!again || again->kiosk_id != batch->kiosk_id || again->items.size() != batch->items.size())
    __builtin_trap();
  for (std::size_t i = 0; i < batch->items.size(); ++i) {
    const auto& item = batch->items[i];
    if (again->items[i].record != item.record || again->items[i].id != item.id) __builtin_trap();
    if (item.record.empty() || item.record.size() > k_max_record_bytes) __builtin_trap();
    auto record = parse_record(item.record);
    if (!record) continue;
    if (canonical_json(*record) != item.record) __builtin_trap();
    if (!validate_record(*record)) continue;
    // What the portal would store.
    if (record->sequence < 1 || !is_valid_kiosk_id(record->kiosk_id)) __builtin_trap();
    if (!check_recorded_amount(record->amount)) __builtin_trap();
    if (is_no_payment(record->amount) && !record->payment_reference.empty()) __builtin_trap();
    if (looks_like_card_number(record->payment_reference)) __builtin_trap();
    for (const auto& [name, value] : record->fields) {
      if (looks_like_card_number(value) || looks_like_card_number(name)) __builtin_trap();
    }
  }
  return 0;
}
