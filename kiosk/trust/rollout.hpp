// Staged rollouts inside TUF: the policy an admin signs into a target's "custom" field, and the
// kiosk's decision whether to install that target now. The policy is part of the signed
// targets metadata, so it is as fresh and unforgeable as the target itself: a kiosk reads it
// only after the TrustedSet verified the role, and a replay of older metadata is refused by
// the ordinary version checks before any policy is read. python-tuf and go-tuf treat "custom"
// as opaque, so the same metadata still works with them (they simply install at once).
//
//   "custom": {"rollout": {
//     "waves": [{"percent": 1, "opens": "2026-12-05T10:00:00Z"}, ...],  // percent increasing
//     "groups": ["pilot"],   // optional; absent or empty: every kiosk
//     "halted": false,
//     "previous": {"version": "3", "length": 812, "hashes": {"sha256": "..."}}  // optional
//   }}
//
// Percentages are integers because TUF's canonical JSON has no floating-point numbers.
// A kiosk is in the first wave whose percent is above its position; it installs once that
// wave is open by its trusted clock (TrustedClock), unless the rollout is halted or the kiosk
// is outside the groups. A kiosk that may not install keeps what it has; a kiosk with nothing
// installed takes "previous" (the version before this one), so a kiosk provisioned during a
// rollout is not left without the service.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"
#include "kiosk/trust/metadata.hpp"

namespace shubbak::trust {

struct RolloutWave {
  int percent = 0;  // 1..100: the share of kiosks this wave and those before it reach
  UnixSeconds opens = 0;
};

struct PreviousVersion {
  std::string version;
  TargetFile file;  // length and hashes of the version kiosks fall back to
};

struct RolloutPolicy {
  std::vector<std::string> groups;  // empty: every kiosk; names as kiosk/core/kiosk_group.hpp
  std::vector<RolloutWave> waves;
  bool halted = false;
  std::optional<PreviousVersion> previous;
};

// Who this kiosk is for rollouts: its id and the groups its certificate binds it to.
struct RolloutIdentity {
  std::string kiosk_id;
  std::vector<std::string> groups;
};

// The policy in a target's custom field; nullopt when the target has none. Strict: an unknown
// field, a percent out of 1..100 or not increasing, or a bad time is refused.
Expected<std::optional<RolloutPolicy>> parse_rollout(const nlohmann::json& custom);
// The "rollout" object for a policy (what shubbakctl signs).
nlohmann::json rollout_json(const RolloutPolicy& policy);

// A kiosk's position for `target` in basis points, 0..9999: the first eight bytes of
// SHA-256("shubbak-rollout" NUL target NUL kiosk_id), modulo 10000. Salted by the target path,
// not per rollout: a kiosk keeps its place across versions of one bundle (the 1% who take
// version 4 first are the 1% who took version 3 first, so a problem is not spread to a new set
// of citizens each time), while different bundles pick different first kiosks (no one site is
// the test bed of every ministry).
int rollout_position(std::string_view kiosk_id, std::string_view target_path);

enum class RolloutVerdict {
  install,        // the kiosk's wave is open
  wait_for_wave,  // its wave opens later (see `opens`)
  halted,         // the admins stopped the rollout
  not_in_groups,  // the rollout is for groups this kiosk is not in
};

struct RolloutDecision {
  RolloutVerdict verdict = RolloutVerdict::install;
  std::optional<UnixSeconds> opens;  // wait_for_wave: when the kiosk's wave opens, if it has one
};

RolloutDecision decide_rollout(const RolloutPolicy& policy, const RolloutIdentity& identity,
                               std::string_view target_path, UnixSeconds trusted_now);

std::string_view to_string(RolloutVerdict verdict);

}  // namespace shubbak::trust
