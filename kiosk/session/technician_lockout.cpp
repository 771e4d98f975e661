#include "kiosk/session/technician_lockout.hpp"

#include <time.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kiosk/core/atomic_file.hpp"

namespace shubbak {

namespace {

std::int64_t now_ms(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

}  // namespace

LockoutClock LockoutClock::system() {
  return {[] { return now_ms(CLOCK_REALTIME); }, [] { return now_ms(CLOCK_BOOTTIME); },
          [] {
            static const std::string id = read_boot_id();
            return id;
          }};
}

TechnicianLockout::TechnicianLockout(std::filesystem::path file, LockoutPolicy policy,
                                     LockoutClock clock, Log log)
    : m_file(std::move(file)), m_policy(policy), m_clock(std::move(clock)), m_log(std::move(log)) {}

TechnicianLockout TechnicianLockout::open(std::filesystem::path file, LockoutPolicy policy,
                                          LockoutClock clock, Log log) {
  TechnicianLockout lockout(std::move(file), policy, std::move(clock), std::move(log));
  std::error_code ec;
  if (!std::filesystem::exists(lockout.m_file, ec)) return lockout;
  auto text = read_whole_file(lockout.m_file, 4096);
  try {
    if (!text) throw std::runtime_error(text.error().describe());
    auto json = nlohmann::json::parse(*text);
    lockout.m_failures = json.at("failures").get<int>();
    lockout.m_locked = json.at("locked").get<bool>();
    lockout.m_locked_wall_ms = json.at("locked_wall_ms").get<std::int64_t>();
    lockout.m_locked_boot_ms = json.at("locked_boot_ms").get<std::int64_t>();
    lockout.m_locked_boot_id = json.at("boot_id").get<std::string>();
  } catch (const std::exception& e) {
    lockout.m_log.error("technician lockout state {} is unreadable ({}); locking technician mode",
                        lockout.m_file.string(), e.what());
    lockout.m_failures = policy.max_failures;
    lockout.m_locked = true;
    lockout.m_locked_wall_ms = lockout.m_clock.wall_ms();
    lockout.m_locked_boot_ms = lockout.m_clock.boot_ms();
    lockout.m_locked_boot_id = lockout.m_clock.boot_id();
  }
  return lockout;
}

std::int64_t TechnicianLockout::elapsed_since_lock_ms() {
  if (m_locked_boot_id == m_clock.boot_id())
    return std::max<std::int64_t>(0, m_clock.boot_ms() - m_locked_boot_ms);
  // Rebooted since: only the wall clock spans a reboot (see the header for why this is enough).
  std::int64_t period =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_policy.period).count();
  return std::clamp<std::int64_t>(m_clock.wall_ms() - m_locked_wall_ms, 0, period);
}

std::optional<std::chrono::milliseconds> TechnicianLockout::locked_for() {
  if (!m_locked) return std::nullopt;
  std::int64_t period =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_policy.period).count();
  std::int64_t left = period - elapsed_since_lock_ms();
  if (left > 0) return std::chrono::milliseconds(left);
  // Expired: technician mode opens again with a fresh count.
  m_locked = false;
  m_failures = 0;
  if (auto saved = save(); !saved) m_log.warn("{}", saved.error().describe());
  return std::nullopt;
}

Expected<bool> TechnicianLockout::record_failure() {
  ++m_failures;
  bool locks_now = !m_locked && m_failures >= m_policy.max_failures;
  if (locks_now) {
    m_locked = true;
    m_locked_wall_ms = m_clock.wall_ms();
    m_locked_boot_ms = m_clock.boot_ms();
    m_locked_boot_id = m_clock.boot_id();
  }
  if (auto saved = save(); !saved) return std::unexpected(saved.error());
  return locks_now;
}

Expected<void> TechnicianLockout::record_success() {
  if (m_failures == 0 && !m_locked) return {};
  m_failures = 0;
  m_locked = false;
  return save();
}

Expected<void> TechnicianLockout::save() {
  nlohmann::json json = {{"failures", m_failures},
                         {"locked", m_locked},
                         {"locked_wall_ms", m_locked_wall_ms},
                         {"locked_boot_ms", m_locked_boot_ms},
                         {"boot_id", m_locked_boot_id}};
  std::error_code ec;
  std::filesystem::create_directories(m_file.parent_path(), ec);
  return write_file_atomically(m_file, json.dump());
}

}  // namespace shubbak
