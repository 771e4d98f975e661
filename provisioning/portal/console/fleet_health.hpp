// A kiosk's health on the fleet board, from its latest heartbeat and when it arrived:
//   red:   no heartbeat for longer than `offline_after` (or never), or out of service;
//   amber: a device whose status is not "ok", quarantined transactions, or a queue that is not
//          draining (its oldest pending transaction older than `stale_queue_after`);
//   green: otherwise.
//
// Threading: pure functions, any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/sync/portal_protocol.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

enum class Health { green, amber, red };

std::string_view health_name(Health health);  // "green", "amber", "red"

struct HealthRules {
  std::chrono::milliseconds offline_after{5 * 60 * 1000};
  std::chrono::seconds stale_queue_after{15 * 60};
};

// Why a kiosk is not green, as keys the pages translate.
enum class HealthReason {
  never_heard,
  offline,
  out_of_service,
  device_fault,
  quarantined,
  queue_stale,
  unreadable_heartbeat
};

struct KioskHealth {
  std::string kiosk_id;
  Health health = Health::green;
  std::vector<HealthReason> reasons;
  std::optional<portal_protocol::Heartbeat> heartbeat;  // none: never heard, or unreadable
  std::optional<std::int64_t> heartbeat_ms;
  std::vector<std::string> groups;  // KioskSnapshot::groups
};

// Whether a device's status, as the kiosk's device hub reports it (kiosk/core/device_status.hpp),
// needs no one: online, busy, not installed, or a card reader holding a card. Anything else, a
// status this console does not know included, turns the kiosk amber.
bool device_is_well(std::string_view name, std::string_view status);

KioskHealth assess(const KioskSnapshot& snapshot, std::int64_t now_ms, const HealthRules& rules);

// The kiosk's clock offset as the portal sees it, in whole seconds (rounded): its clock when it
// sent its latest heartbeat against the portal's when it arrived. The trip itself is in it, far
// below any threshold that matters. None without a version 2 heartbeat.
std::optional<std::int64_t> clock_offset_seconds(const KioskHealth& kiosk);
// The same, with the snapshot's heartbeat already decoded (null: it has none).
KioskHealth assess(const KioskSnapshot& snapshot,
                   const Expected<portal_protocol::Heartbeat>* decoded, std::int64_t now_ms,
                   const HealthRules& rules);

}  // namespace shubbak::portal::console
