// Kiosk heartbeats as the portal reads them from a request body: arbitrary bytes must be decoded
// or refused cleanly, never crash; a decoded heartbeat passes validate_heartbeat() (counters not
// negative, bounded texts, no card-number-shaped values) and survives encode and decode unchanged.
#include <string_view>

#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/portal_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shubbak;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto heartbeat = portal_protocol::decode_heartbeat(text);
  if (!heartbeat) {
    if (heartbeat.error().message.empty()) __builtin_trap();
    return 0;
  }
  const auto& h = *heartbeat;
  if (!portal_protocol::validate_heartbeat(h)) __builtin_trap();
  if (h.queue_depth < 0 || h.quarantined < 0 || h.uptime_s < 0 || h.last_sequence < 0 ||
      h.audit_head_seq < 0 || h.oldest_pending_age_s.value_or(0) < 0)
    __builtin_trap();
  if (h.devices.size() > portal_protocol::k_max_heartbeat_devices) __builtin_trap();
  if (looks_like_card_number(h.version)) __builtin_trap();
  auto again = portal_protocol::decode_heartbeat(portal_protocol::encode_heartbeat(h));
  if (!again) __builtin_trap();
  if (again->kiosk_id != h.kiosk_id || again->version != h.version || again->boot_id != h.boot_id ||
      again->queue_depth != h.queue_depth || again->quarantined != h.quarantined ||
      again->uptime_s != h.uptime_s || again->last_sequence != h.last_sequence ||
      again->audit_head_seq != h.audit_head_seq || again->audit_head_hash != h.audit_head_hash ||
      again->oldest_pending_age_s != h.oldest_pending_age_s ||
      again->out_of_service != h.out_of_service || again->devices.size() != h.devices.size())
    __builtin_trap();
  return 0;
}
