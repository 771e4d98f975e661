// The time the TUF client checks expiry against. A kiosk's clock can be wrong or set back by an
// attacker to revive expired metadata, so the trusted time never goes below the build time nor
// below the time of the last successful verification, which is persisted as a floor.
//
// This is a deliberate difference from the specification's reference clients, which trust the
// system clock alone: a kiosk with a dead clock battery boots in the past, and must not then
// accept metadata that expired long ago. The cost is that metadata which expired before the
// build date is refused whatever the system clock says.
#pragma once

#include <filesystem>
#include <functional>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/trust/metadata.hpp"

namespace shubbak::trust {

// When this build was configured: no metadata verified by it can be older in real time.
UnixSeconds build_time();
UnixSeconds system_unix_time();

class TrustedClock {
 public:
  TrustedClock(std::filesystem::path floor_file, std::function<UnixSeconds()> system_clock,
               UnixSeconds not_before);

  // max(system clock, not_before, persisted floor).
  UnixSeconds now() const;
  // Raises the persisted floor to `verified_at` (never lowers it).
  Expected<void> advance_to(UnixSeconds verified_at, const PersistObserver& observer = {});
  UnixSeconds floor() const;

 private:
  std::filesystem::path m_floor_file;
  std::function<UnixSeconds()> m_system_clock;
  UnixSeconds m_not_before;
};

}  // namespace shubbak::trust
