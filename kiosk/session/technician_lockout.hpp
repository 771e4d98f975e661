// Counts failed technician PINs and locks technician mode after too many in a row. The state is
// persisted (a small file in the data directory, written atomically) so that restarting the
// kiosk does not reset the count or lift a lockout.
//
// Time: a lockout is measured on the boot clock (CLOCK_BOOTTIME) while the kiosk has not rebooted,
// because nobody can set that clock: changing the wall clock does not shorten it, and setting the
// wall clock back does not lengthen it either. Only across a reboot (a new boot id) does the
// wall clock decide, clamped to 0..period: a wall clock set back makes the lockout last the whole
// period again, and a clock set forward needs both a reboot and control of the system time, at
// which point the attacker already has more than technician mode gives.
//
// Threading: not thread-safe, and its calls write a file (with fsync): its owner
// (TechnicianAccess) calls it from worker tasks, one at a time under a mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

struct LockoutClock {
  std::function<std::int64_t()> wall_ms;  // Unix milliseconds
  std::function<std::int64_t()> boot_ms;  // CLOCK_BOOTTIME milliseconds
  std::function<std::string()> boot_id;   // /proc/sys/kernel/random/boot_id
  static LockoutClock system();
};

struct LockoutPolicy {
  int max_failures = 5;
  std::chrono::minutes period{30};
};

class TechnicianLockout {
 public:
  // Reads the state in `file` (missing: no failures yet). A damaged file counts as a lockout
  // starting now: failing closed is safer than forgetting failures.
  static TechnicianLockout open(std::filesystem::path file, LockoutPolicy policy,
                                LockoutClock clock, Log log);

  // How long technician mode stays locked from now; nullopt when it is open.
  std::optional<std::chrono::milliseconds> locked_for();
  int consecutive_failures() const { return m_failures; }

  // A wrong PIN: counts it, and locks once the count reaches max_failures. True when this
  // failure started a lockout.
  Expected<bool> record_failure();
  // The right PIN: the count starts again.
  Expected<void> record_success();

 private:
  TechnicianLockout(std::filesystem::path file, LockoutPolicy policy, LockoutClock clock, Log log);
  Expected<void> save();
  std::int64_t elapsed_since_lock_ms();

  std::filesystem::path m_file;
  LockoutPolicy m_policy;
  LockoutClock m_clock;
  Log m_log;
  int m_failures = 0;
  bool m_locked = false;
  std::int64_t m_locked_wall_ms = 0;
  std::int64_t m_locked_boot_ms = 0;
  std::string m_locked_boot_id;
};

}  // namespace shubbak
