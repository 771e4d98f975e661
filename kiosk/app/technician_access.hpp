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

#include "kiosk/app/audit_trail.hpp"
#include "kiosk/app/technician_lockout.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"

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

  TechnicianAccess(EventLoop& loop, WorkerPool& workers, AuditTrail* audit, Options options,
                   Log log);
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
  WorkerPool& m_workers;
  AuditTrail* m_audit;
  Log m_log;
  std::shared_ptr<Shared> m_shared;
  std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

}  // namespace shubbak
