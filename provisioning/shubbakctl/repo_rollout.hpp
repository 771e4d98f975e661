// `shubbakctl repo rollout ...`: staged rollouts as edits of a target's signed "custom" field
// (the format is kiosk/trust/rollout.hpp's). Each edit marks the target's role changed, so the
// caller's commit() re-signs it, then snapshot and timestamp, as `repo add` does. Wave times
// are absolute UTC times computed when the rollout starts, so every kiosk judges them by its
// own trusted clock and no kiosk needs to know when the admin typed the command.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/trust/rollout.hpp"
#include "provisioning/shubbakctl/repository.hpp"

namespace shubbak::repo {

struct WaveRequest {
  int percent = 0;
  std::int64_t after_seconds = 0;  // after the start
};

// "1%:0h,10%:24h,50%:48h,100%:72h" (delays in m, h or d). Percentages must rise, from 1 to at
// most 100; delays must not fall.
Expected<std::vector<WaveRequest>> parse_wave_list(std::string_view text);

struct RolloutStart {
  std::string name;
  std::vector<WaveRequest> waves;
  std::vector<std::string> groups;
};

// Puts the target's current version under a rollout. The version before it in the target's
// history becomes "previous", what kiosks with nothing installed take while they wait.
Expected<void> start_rollout(Repository& repo, const RolloutStart& request, trust::UnixSeconds now);
// Opens the next closed wave now; with `emergency`, every wave, and a halt is lifted.
Expected<void> advance_rollout(Repository& repo, const std::string& name, trust::UnixSeconds now,
                               bool emergency);
Expected<void> set_rollout_halted(Repository& repo, const std::string& name, bool halted);
// Signs the named earlier version as the target again, with no rollout: every kiosk, those that
// took the new version included, installs it at its next check. It is a new signed decision
// with higher versions, so TUF's rollback checks (which refuse old metadata) are untouched.
Expected<void> rollback_rollout(Repository& repo, const std::string& name,
                                const std::string& version);
// The rollouts of every target (or only `name`), their waves and whether each is open at `now`.
Expected<void> print_rollout_status(Repository& repo, const std::string& name,
                                    trust::UnixSeconds now, std::FILE* out);

}  // namespace shubbak::repo
