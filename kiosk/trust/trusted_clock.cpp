#include "kiosk/trust/trusted_clock.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#ifndef SHUBBAK_BUILD_UNIX_TIME
#error "SHUBBAK_BUILD_UNIX_TIME must be defined by the build"
#endif

namespace shubbak::trust {

UnixSeconds build_time() {
  return static_cast<UnixSeconds>(SHUBBAK_BUILD_UNIX_TIME);
}

UnixSeconds system_unix_time() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TrustedClock::TrustedClock(std::filesystem::path floor_file,
                           std::function<UnixSeconds()> system_clock, UnixSeconds not_before)
    : m_floor_file(std::move(floor_file)),
      m_system_clock(std::move(system_clock)),
      m_not_before(not_before) {}

UnixSeconds TrustedClock::floor() const {
  auto text = read_whole_file(m_floor_file, 64);
  if (!text) return 0;
  UnixSeconds value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  // A damaged floor file must not stop updates; it only loses the protection it gave.
  return error == std::errc() ? value : 0;
}

UnixSeconds TrustedClock::now() const {
  return std::max({m_system_clock(), m_not_before, floor()});
}

Expected<void> TrustedClock::advance_to(UnixSeconds verified_at, const PersistObserver& observer) {
  if (verified_at <= floor()) return {};
  return write_file_atomically(m_floor_file, fmt::format("{}\n", verified_at), observer);
}

}  // namespace shubbak::trust
