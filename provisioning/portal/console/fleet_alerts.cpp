#include "provisioning/portal/console/fleet_alerts.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "kiosk/core/device_status.hpp"

namespace shubbak::portal::console {

namespace {

constexpr std::pair<AlertKind, std::string_view> k_kind_names[] = {
    {AlertKind::offline, "offline"},
    {AlertKind::paper, "paper"},
    {AlertKind::queue_growing, "queue_growing"},
    {AlertKind::quarantined, "quarantined"},
    {AlertKind::clock_skew, "clock_skew"},
    {AlertKind::services_behind, "services_behind"},
};

// A printer status that needs someone with paper or a hand in the mechanism.
bool paper_problem(std::string_view status) {
  auto known = device_status_named(status);
  return known && (*known == DeviceStatus::media_low || *known == DeviceStatus::media_empty ||
                   *known == DeviceStatus::jam);
}

// "1.10.2" as {1, 10, 2}; none when any part is not a number.
std::optional<std::vector<std::uint64_t>> numbers_of(std::string_view version) {
  std::vector<std::uint64_t> numbers;
  while (true) {
    auto dot = version.find('.');
    auto part = version.substr(0, dot);
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || error != std::errc() || end != part.data() + part.size())
      return std::nullopt;
    numbers.push_back(value);
    if (dot == std::string_view::npos) return numbers;
    version.remove_prefix(dot + 1);
  }
}

}  // namespace

std::string_view alert_kind_name(AlertKind kind) {
  for (const auto& [k, name] : k_kind_names)
    if (k == kind) return name;
  return "offline";
}

std::optional<AlertKind> parse_alert_kind(std::string_view name) {
  for (const auto& [kind, n] : k_kind_names)
    if (n == name) return kind;
  return std::nullopt;
}

bool version_older(std::string_view a, std::string_view b) {
  auto x = numbers_of(a);
  auto y = numbers_of(b);
  if (x && y) return std::lexicographical_compare(x->begin(), x->end(), y->begin(), y->end());
  return a < b;
}

std::vector<Alert> fleet_alerts(const std::vector<KioskSnapshot>& snapshots,
                                const std::vector<KioskHealth>& kiosks,
                                const std::map<std::string, std::string>& published,
                                std::int64_t now_ms, const AlertRules& rules) {
  std::map<std::string_view, const KioskSnapshot*> snapshot_of;
  for (const auto& snapshot : snapshots) snapshot_of[snapshot.kiosk_id] = &snapshot;
  std::vector<Alert> alerts;
  for (const auto& kiosk : kiosks) {
    auto raise = [&](AlertKind kind, std::string detail) {
      alerts.push_back(Alert{kind, kiosk.kiosk_id, std::move(detail), kiosk.heartbeat_ms});
    };
    if (!kiosk.heartbeat_ms || now_ms - *kiosk.heartbeat_ms > rules.offline_after.count()) {
      raise(AlertKind::offline, kiosk.heartbeat_ms
                                    ? fmt::format("{} s", (now_ms - *kiosk.heartbeat_ms) / 1000)
                                    : std::string("never"));
    }
    if (!kiosk.heartbeat) continue;
    const auto& beat = *kiosk.heartbeat;
    for (const auto& [name, status] : beat.devices) {
      if (name.find('.') == std::string::npos && paper_problem(status))
        raise(AlertKind::paper, fmt::format("{}: {}", name, status));
    }
    auto snapshot = snapshot_of.find(kiosk.kiosk_id);
    if (snapshot != snapshot_of.end() && snapshot->second->queue_rises >= rules.queue_rises_after)
      raise(AlertKind::queue_growing, fmt::format("{}", beat.queue_depth));
    if (beat.quarantined > 0) raise(AlertKind::quarantined, fmt::format("{}", beat.quarantined));
    if (!beat.telemetry) continue;
    std::int64_t offset_s = clock_offset_seconds(kiosk).value_or(0);
    if (std::llabs(offset_s) > rules.clock_skew_after.count())
      raise(AlertKind::clock_skew, fmt::format("{:+} s", offset_s));
    std::string behind;
    for (const auto& [id, version] : published) {
      const auto& bundles = beat.telemetry->services.bundles;
      auto installed = std::find_if(bundles.begin(), bundles.end(),
                                    [&](const auto& bundle) { return bundle.id == id; });
      std::string entry;
      if (installed == bundles.end()) {
        entry = fmt::format("{} — < {}", id, version);
      } else if (version_older(installed->version, version)) {
        entry = fmt::format("{} {} < {}", id, installed->version, version);
      }
      if (entry.empty()) continue;
      if (!behind.empty()) behind += ", ";
      behind += entry;
    }
    if (!behind.empty()) raise(AlertKind::services_behind, std::move(behind));
  }
  std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.kiosk_id < b.kiosk_id;
  });
  return alerts;
}

}  // namespace shubbak::portal::console
