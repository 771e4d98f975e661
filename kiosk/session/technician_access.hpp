// Who may enter technician mode: the PIN check against the configured scrypt hash, on a worker,
// behind the persisted lockout, with every attempt audited (never the PIN). No configured hash
// means technician mode is disabled: it fails closed, and says so in the log.
//
// Threading: construct and call on the UI thread; `done` runs on the UI thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/session/audit_trail.hpp"
#include "kiosk/session/technician_lockout.hpp"

namespace shubbak {

struct PinAttempt {
  enum class Outcome { granted, wrong, locked, disabled, error };
  Outcome outcome = Outcome::error;
  int attempts_left = 0;                    // wrong: failures allowed before the lockout
  std::chrono::milliseconds locked_for{0};  // locked: how long from now
};

std::string_view to_string(PinAttempt::Outcome outcome);

class TechnicianAccess {
 public:
  struct Options {
    std::string pin_hash;  // technician.pin_hash; empty: disabled
    LockoutPolicy policy;
    std::filesystem::path state_file;  // DATA_DIR/technician/lockout.json
    LockoutClock clock = LockoutClock::system();
  };

  TechnicianAccess(EventLoop& loop, Lane& lane, AuditTrail* audit, Options options, Log log);
  ~TechnicianAccess();
  TechnicianAccess(const TechnicianAccess&) = delete;
  TechnicianAccess& operator=(const TechnicianAccess&) = delete;

  bool enabled() const { return !m_shared->pin_hash.empty(); }
  // Checks `pin` on a worker: refused without checking while locked out. One attempt at a time;
  // `done` always runs later than this call.
  void attempt(std::string pin, std::function<void(PinAttempt)> done);

 private:
  struct Shared {
    explicit Shared(Log l) : log(std::move(l)) {}
    std::mutex mutex;  // one check at a time; guards lockout
    std::string pin_hash;
    LockoutPolicy policy;
    std::filesystem::path state_file;
    LockoutClock clock;
    Log log;
    std::optional<TechnicianLockout> lockout;  // opened on the first attempt (reads a file)
  };
  static PinAttempt check(Shared& shared, std::string& pin);

  EventLoop& m_loop;
  Lane& m_lane;  // the PIN hash takes a moment: never on the UI thread
  AuditTrail* m_audit;
  Log m_log;
  std::shared_ptr<Shared> m_shared;
  Liveness m_alive;
};

}  // namespace shubbak
