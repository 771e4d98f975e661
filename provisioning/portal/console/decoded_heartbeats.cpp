#include "provisioning/portal/console/decoded_heartbeats.hpp"

namespace shubbak::portal::console {

DecodedHeartbeats::Decoded DecodedHeartbeats::of(const KioskSnapshot& snapshot) {
  if (!snapshot.heartbeat_ms) return nullptr;
  {
    std::lock_guard lock(m_mutex);
    auto found = m_entries.find(snapshot.kiosk_id);
    if (found != m_entries.end() && found->second.heartbeat_ms == *snapshot.heartbeat_ms)
      return found->second.decoded;
  }
  // Decoded outside the lock: requests at once decode their own kiosks in parallel.
  auto decoded = std::make_shared<const Expected<portal_protocol::Heartbeat>>(
      portal_protocol::decode_heartbeat(snapshot.heartbeat));
  std::lock_guard lock(m_mutex);
  m_entries[snapshot.kiosk_id] = Entry{*snapshot.heartbeat_ms, decoded};
  return decoded;
}

}  // namespace shubbak::portal::console
