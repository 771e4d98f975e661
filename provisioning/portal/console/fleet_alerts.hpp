// The console's alerts: what in the fleet needs someone now, one line per kiosk and problem,
// worked out from each kiosk's latest heartbeat, when it arrived and the service set the portal
// publishes. They are not stored: an alert lasts while its cause does, and the page shows the
// fleet as it is when it is loaded.
//
// Threading: pure functions, any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisioning/portal/console/fleet_health.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

enum class AlertKind {
  offline,          // no heartbeat for longer than AlertRules::offline_after
  paper,            // a printer low on, out of or jammed with paper
  queue_growing,    // the outbox deeper at each of the last queue_rises_after heartbeats
  quarantined,      // transactions the kiosk holds back because the portal refused them
  clock_skew,       // the kiosk's clock off the portal's by more than clock_skew_after
  services_behind,  // a bundle older than the published one, or a published one missing
};

std::string_view alert_kind_name(AlertKind kind);  // "offline", "paper", …
std::optional<AlertKind> parse_alert_kind(std::string_view name);

struct AlertRules {
  std::chrono::milliseconds offline_after{5 * 60 * 1000};
  std::chrono::seconds clock_skew_after{120};
  std::int64_t queue_rises_after = 3;
};

struct Alert {
  AlertKind kind;
  std::string kiosk_id;
  // What is wrong, in the kiosk's own words where it has them: the device and its status
  // ("printer: media-empty"), the queue depth, the count, the offset in seconds, or the bundles
  // behind ("jordan.health.appointment 1.0.0 < 1.1.0").
  std::string detail;
  std::optional<std::int64_t> heartbeat_ms;  // the heartbeat that shows it (none: never heard)
};

// Every alert of `kiosks` (with their health assessed for `now_ms`), ordered by kind and then
// kiosk id. `published` is read_published_services() (empty: no comparison of services).
std::vector<Alert> fleet_alerts(const std::vector<KioskSnapshot>& snapshots,
                                const std::vector<KioskHealth>& kiosks,
                                const std::map<std::string, std::string>& published,
                                std::int64_t now_ms, const AlertRules& rules);

// Whether version `a` is older than `b`: dotted numbers compared as numbers ("1.10.0" is newer
// than "1.9.2"), anything else compared as text.
bool version_older(std::string_view a, std::string_view b);

}  // namespace shubbak::portal::console
