#include "provisioning/portal/console/fleet_health.hpp"

#include <algorithm>
#include <cmath>

#include "kiosk/core/device_status.hpp"

namespace shubbak::portal::console {

bool device_is_well(std::string_view name, std::string_view status) {
  // "<device>.last_failure" is the device's history, not its state.
  if (name.find('.') != std::string_view::npos) return true;
  auto known = device_status_named(status);
  if (!known) return false;  // a status this console does not know is looked at
  switch (*known) {
    case DeviceStatus::online:
    case DeviceStatus::busy:
    case DeviceStatus::not_installed:
    case DeviceStatus::card_present:
      return true;
    default:
      return false;
  }
}

std::optional<std::int64_t> clock_offset_seconds(const KioskHealth& kiosk) {
  if (!kiosk.heartbeat || !kiosk.heartbeat->telemetry || !kiosk.heartbeat_ms) return std::nullopt;
  auto offset_ms = kiosk.heartbeat->telemetry->sent_ms - *kiosk.heartbeat_ms;
  return std::lround(static_cast<double>(offset_ms) / 1000.0);
}

std::string_view health_name(Health health) {
  switch (health) {
    case Health::green:
      return "green";
    case Health::amber:
      return "amber";
    case Health::red:
      return "red";
  }
  return "red";
}

KioskHealth assess(const KioskSnapshot& snapshot, std::int64_t now_ms, const HealthRules& rules) {
  if (!snapshot.heartbeat_ms) return assess(snapshot, nullptr, now_ms, rules);
  auto decoded = portal_protocol::decode_heartbeat(snapshot.heartbeat);
  return assess(snapshot, &decoded, now_ms, rules);
}

KioskHealth assess(const KioskSnapshot& snapshot,
                   const Expected<portal_protocol::Heartbeat>* decoded, std::int64_t now_ms,
                   const HealthRules& rules) {
  KioskHealth result;
  result.kiosk_id = snapshot.kiosk_id;
  result.heartbeat_ms = snapshot.heartbeat_ms;
  result.groups = snapshot.groups;
  auto raise = [&](Health to, HealthReason why) {
    result.health = std::max(result.health, to);
    result.reasons.push_back(why);
  };
  if (!snapshot.heartbeat_ms || decoded == nullptr) {
    raise(Health::red, HealthReason::never_heard);
    return result;
  }
  if (now_ms - *snapshot.heartbeat_ms > rules.offline_after.count())
    raise(Health::red, HealthReason::offline);
  const auto& heartbeat = *decoded;
  if (!heartbeat) {
    raise(Health::amber, HealthReason::unreadable_heartbeat);
    return result;
  }
  if (heartbeat->out_of_service) raise(Health::red, HealthReason::out_of_service);
  if (std::any_of(heartbeat->devices.begin(), heartbeat->devices.end(),
                  [](const auto& device) { return !device_is_well(device.first, device.second); }))
    raise(Health::amber, HealthReason::device_fault);
  if (heartbeat->quarantined > 0) raise(Health::amber, HealthReason::quarantined);
  if (heartbeat->oldest_pending_age_s &&
      *heartbeat->oldest_pending_age_s > rules.stale_queue_after.count())
    raise(Health::amber, HealthReason::queue_stale);
  result.heartbeat = *heartbeat;
  return result;
}

}  // namespace shubbak::portal::console
