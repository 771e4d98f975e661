#include "kiosk/session/technician_access.hpp"

#include <algorithm>

#include "kiosk/crypto/pin_hash.hpp"
#include "kiosk/store/audit_log.hpp"

namespace shubbak {

std::string_view to_string(PinAttempt::Outcome outcome) {
  switch (outcome) {
    case PinAttempt::Outcome::granted:
      return "granted";
    case PinAttempt::Outcome::wrong:
      return "wrong";
    case PinAttempt::Outcome::locked:
      return "locked";
    case PinAttempt::Outcome::disabled:
      return "disabled";
    case PinAttempt::Outcome::error:
      return "error";
  }
  return "error";
}

TechnicianAccess::TechnicianAccess(EventLoop& loop, Lane& lane, AuditTrail* audit, Options options,
                                   Log log)
    : m_loop(loop), m_lane(lane), m_audit(audit), m_log(log) {
  m_shared = std::make_shared<Shared>(log);
  m_shared->pin_hash = std::move(options.pin_hash);
  m_shared->policy = options.policy;
  m_shared->state_file = std::move(options.state_file);
  m_shared->clock = std::move(options.clock);
  if (m_shared->pin_hash.empty()) {
    m_log.warn(
        "technician mode is disabled: no technician.pin_hash is configured (shubbakctl kiosk "
        "set-pin)");
  } else if (auto parsed = parse_pin_hash(m_shared->pin_hash); !parsed) {
    m_log.error("technician.pin_hash is unusable ({}); every PIN will be refused",
                parsed.error().describe());
  }
}

TechnicianAccess::~TechnicianAccess() = default;

PinAttempt TechnicianAccess::check(Shared& s, std::string& pin) {
  std::lock_guard lock(s.mutex);
  PinAttempt result;
  if (s.pin_hash.empty()) {
    result.outcome = PinAttempt::Outcome::disabled;
    return result;
  }
  if (!s.lockout) s.lockout = TechnicianLockout::open(s.state_file, s.policy, s.clock, s.log);
  // Refused before the hash is computed: while locked, even the right PIN does not open.
  if (auto left = s.lockout->locked_for()) {
    result.outcome = PinAttempt::Outcome::locked;
    result.locked_for = *left;
    return result;
  }
  auto matches = verify_pin(pin, s.pin_hash);
  std::fill(pin.begin(), pin.end(), '\0');
  if (!matches) {
    s.log.error("technician PIN check failed: {}", matches.error().describe());
    result.outcome = PinAttempt::Outcome::error;
    return result;
  }
  if (*matches) {
    if (auto saved = s.lockout->record_success(); !saved)
      s.log.warn("{}", saved.error().describe());
    result.outcome = PinAttempt::Outcome::granted;
    return result;
  }
  auto locked_now = s.lockout->record_failure();
  if (!locked_now)
    s.log.error("technician failure count not saved: {}", locked_now.error().describe());
  if (auto left = s.lockout->locked_for()) {
    result.outcome = PinAttempt::Outcome::locked;
    result.locked_for = *left;
  } else {
    result.outcome = PinAttempt::Outcome::wrong;
    result.attempts_left = std::max(0, s.policy.max_failures - s.lockout->consecutive_failures());
  }
  return result;
}

void TechnicianAccess::attempt(std::string pin, std::function<void(PinAttempt)> done) {
  auto finish = [this, done = std::move(done)](PinAttempt result) {
    std::string locked_minutes =
        std::to_string(std::chrono::ceil<std::chrono::minutes>(result.locked_for).count());
    m_log.info("technician login: {}", to_string(result.outcome));
    if (m_audit) {
      if (result.outcome == PinAttempt::Outcome::locked) {
        m_audit->record(audit_kind::technician_login,
                        {{"result", "locked"}, {"minutes_left", locked_minutes}});
      } else {
        m_audit->record(audit_kind::technician_login,
                        {{"result", std::string(to_string(result.outcome))}});
      }
    }
    done(result);
  };
  bool queued = run_on_lane(
      m_lane, m_loop, m_alive.token(),
      [shared = m_shared, pin = std::move(pin)]() mutable { return check(*shared, pin); }, finish);
  if (!queued) {
    // The kiosk is stopping: answer on the loop so `done` still never runs inside this call.
    m_loop.post([finish, alive = m_alive.token()] {
      if (alive.lock()) finish(PinAttempt{});
    });
  }
}

}  // namespace shubbak
