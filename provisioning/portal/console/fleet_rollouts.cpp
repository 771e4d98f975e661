#include "provisioning/portal/console/fleet_rollouts.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace shubbak::portal::console {

namespace {

bool in_groups(const trust::RolloutPolicy& policy, const KioskHealth& kiosk) {
  if (policy.groups.empty()) return true;
  return std::any_of(policy.groups.begin(), policy.groups.end(), [&](const std::string& group) {
    return std::find(kiosk.groups.begin(), kiosk.groups.end(), group) != kiosk.groups.end();
  });
}

// The state `kiosk` last reported for `target`, or empty.
std::string reported_state(const KioskHealth& kiosk, const std::string& target) {
  if (!kiosk.heartbeat || !kiosk.heartbeat->telemetry) return {};
  for (const auto& entry : kiosk.heartbeat->telemetry->services.rollout)
    if (entry.target == target) return entry.state;
  return {};
}

}  // namespace

std::vector<RolloutProgress> rollout_progress(const std::vector<PublishedBundle>& published,
                                              const std::vector<KioskHealth>& kiosks,
                                              std::int64_t now_s, const RolloutRules& rules) {
  std::vector<RolloutProgress> rollouts;
  for (const auto& bundle : published) {
    if (!bundle.custom.is_object()) continue;
    auto policy = trust::parse_rollout(bundle.custom);
    if (!policy || !*policy || (*policy)->waves.empty()) continue;
    RolloutProgress progress{bundle, std::move(**policy), {}, 0};
    for (const auto& wave : progress.policy.waves)
      progress.waves.push_back(WaveProgress{wave.percent, wave.opens, wave.opens <= now_s});
    for (const auto& kiosk : kiosks) {
      if (!in_groups(progress.policy, kiosk)) {
        ++progress.outside_groups;
        continue;
      }
      // The first wave whose share is above the kiosk's position, as the kiosk decides.
      int position = trust::rollout_position(kiosk.kiosk_id, bundle.target);
      auto wave = std::find_if(progress.waves.begin(), progress.waves.end(),
                               [&](const WaveProgress& w) { return position < w.percent * 100; });
      if (wave == progress.waves.end()) continue;  // beyond the last wave: never in this rollout
      ++wave->kiosks;
      std::string state = reported_state(kiosk, bundle.target);
      if (state == "installed") {
        ++wave->updated;
      } else if (state == "waiting" || state == "halted") {
        ++wave->waiting;
      } else if (state == "refused") {
        ++wave->failed;
      } else {
        ++wave->unreported;
      }
    }
    for (auto& wave : progress.waves)
      wave.failing = wave.kiosks > 0 && static_cast<double>(wave.failed) >
                                            rules.failing_share * static_cast<double>(wave.kiosks);
    rollouts.push_back(std::move(progress));
  }
  return rollouts;
}

std::vector<Alert> rollout_alerts(const std::vector<RolloutProgress>& rollouts) {
  std::vector<Alert> alerts;
  for (const auto& rollout : rollouts) {
    for (std::size_t i = 0; i < rollout.waves.size(); ++i) {
      const auto& wave = rollout.waves[i];
      if (!wave.failing) continue;
      alerts.push_back(Alert{AlertKind::rollout_failing,
                             {},
                             fmt::format("{} wave {}: {} of {} refused", rollout.bundle.target,
                                         i + 1, wave.failed, wave.kiosks),
                             std::nullopt});
    }
  }
  return alerts;
}

}  // namespace shubbak::portal::console
