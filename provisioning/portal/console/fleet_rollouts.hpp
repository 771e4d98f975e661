// The console's view of staged rollouts: for each published bundle signed with a rollout policy
// (kiosk/trust/rollout.hpp), each wave's kiosks and how far they are, from the kiosks' own
// reports. Which wave a kiosk is in is worked out exactly as the kiosk does (its rollout
// position for the target, the policy's groups against the groups its certificate binds); what
// it did is what its latest heartbeat says for the target ("installed", "waiting", "halted",
// "refused"). A wave whose refusals pass the threshold (default 2% of its kiosks) is failing,
// and raises an alert.
//
// Threading: pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/trust/rollout.hpp"
#include "provisioning/portal/console/fleet_alerts.hpp"
#include "provisioning/portal/console/fleet_health.hpp"
#include "provisioning/portal/console/published_services.hpp"

namespace shubbak::portal::console {

struct WaveProgress {
  int percent = 0;  // the share of the fleet this wave and those before it reach
  std::int64_t opens_s = 0;
  bool open = false;   // by the portal's clock
  int kiosks = 0;      // in the rollout's groups, positioned in this wave
  int updated = 0;     // report "installed"
  int waiting = 0;     // report "waiting" (or "halted")
  int failed = 0;      // report "refused"
  int unreported = 0;  // no heartbeat with this target's state
  bool failing = false;
};

struct RolloutProgress {
  PublishedBundle bundle;
  trust::RolloutPolicy policy;
  std::vector<WaveProgress> waves;
  int outside_groups = 0;  // kiosks the rollout's groups leave out
};

struct RolloutRules {
  double failing_share = 0.02;  // a wave fails when more than this share of its kiosks refused
};

// The rollouts among `published` (bundles without a policy, or with one that does not parse,
// are left out: the kiosks refuse those, and say so).
std::vector<RolloutProgress> rollout_progress(const std::vector<PublishedBundle>& published,
                                              const std::vector<KioskHealth>& kiosks,
                                              std::int64_t now_s, const RolloutRules& rules);

// One rollout_failing alert per failing wave: "TARGET wave N: F of K refused".
std::vector<Alert> rollout_alerts(const std::vector<RolloutProgress>& rollouts);

}  // namespace shubbak::portal::console
