#include "kiosk/core/startup_trace.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace shubbak {

StartupTrace StartupTrace::from_environment() {
  const char* value = std::getenv("SHUBBAK_STARTUP_TRACE");
  if (value == nullptr || *value == '\0') return {};
  Clock::time_point now = Clock::now();
  // An origin read before exec by whoever started us: exec and the dynamic loader count too.
  std::int64_t nanoseconds = 0;
  const char* end = value + std::strlen(value);
  auto [rest, error] = std::from_chars(value, end, nanoseconds);
  Clock::time_point origin = now;
  if (error == std::errc{} && rest == end && nanoseconds > 1) {
    Clock::time_point given{std::chrono::nanoseconds(nanoseconds)};
    if (given <= now && now - given < std::chrono::minutes(1)) origin = given;
  }
  StartupTrace trace(origin);
  if (origin != now) trace.phase("exec to main");
  return trace;
}

StartupTrace::StartupTrace(Clock::time_point origin)
    : m_enabled(true), m_origin(origin), m_last(origin) {}

double StartupTrace::since_origin(Clock::time_point t) const {
  return std::chrono::duration<double, std::milli>(t - m_origin).count();
}

void StartupTrace::phase(std::string_view name) {
  if (!m_enabled) return;
  Clock::time_point now = Clock::now();
  Entry entry{std::string(name), std::chrono::duration<double, std::milli>(now - m_last).count(),
              since_origin(now)};
  m_last = now;
  emit("phase", entry);
  m_entries.push_back(std::move(entry));
}

void StartupTrace::first_frame() {
  if (!m_enabled) return;
  Clock::time_point now = Clock::now();
  std::fprintf(stderr, "startup-trace first-frame at=%.2f\n", since_origin(now));
  std::fflush(stderr);
  m_last = now;
}

void StartupTrace::deferred(std::string_view name, Clock::time_point began) {
  if (!m_enabled) return;
  Clock::time_point now = Clock::now();
  Entry entry{std::string(name), std::chrono::duration<double, std::milli>(now - began).count(),
              since_origin(now)};
  emit("deferred", entry);
  m_entries.push_back(std::move(entry));
}

void StartupTrace::beside(std::string_view name, Clock::time_point began, Clock::time_point ended) {
  if (!m_enabled) return;
  Entry entry{std::string(name), std::chrono::duration<double, std::milli>(ended - began).count(),
              since_origin(ended)};
  emit("beside", entry);
  m_entries.push_back(std::move(entry));
}

void StartupTrace::emit(std::string_view kind, const Entry& entry) {
  // Names have no spaces in the output, so a reader can split on them.
  std::string name = entry.name;
  for (char& c : name)
    if (c == ' ') c = '_';
  std::fprintf(stderr, "startup-trace %.*s=%s ms=%.2f at=%.2f\n", static_cast<int>(kind.size()),
               kind.data(), name.c_str(), entry.duration_ms, entry.at_ms);
  std::fflush(stderr);
}

}  // namespace shubbak
