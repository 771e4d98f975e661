// Each kiosk's latest heartbeat, decoded once. The board reads every kiosk at every refresh,
// but a kiosk's heartbeat changes only when a new one arrives (once a minute), so most of the
// fleet's heartbeats were decoded at the refresh before. One entry per kiosk, replaced when the
// heartbeat's arrival time changes: a fleet of N kiosks keeps N entries.
//
// Threading: any thread; calls are serialised inside.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kiosk/core/error.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

class DecodedHeartbeats {
 public:
  using Decoded = std::shared_ptr<const Expected<portal_protocol::Heartbeat>>;

  // The decoding of `snapshot`'s heartbeat (null when it has none).
  Decoded of(const KioskSnapshot& snapshot);

 private:
  struct Entry {
    std::int64_t heartbeat_ms = 0;
    Decoded decoded;
  };
  std::mutex m_mutex;
  std::unordered_map<std::string, Entry> m_entries;
};

}  // namespace shubbak::portal::console
