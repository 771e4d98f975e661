// Where the time before the first frame goes: monotonic marks, one per start-up phase, printed
// to stderr when SHUBBAK_STARTUP_TRACE is set. Its value is the origin: a CLOCK_MONOTONIC time
// in nanoseconds (what a benchmark read just before exec, so "exec to main" is counted), or any
// other value (such as 1) for "from main".
//
// Lines, one per phase as it ends (times in milliseconds since the origin):
//   startup-trace phase=NAME ms=DURATION at=END
//   startup-trace first-frame at=END
//   startup-trace beside=NAME ms=DURATION at=END       (work on a thread beside the UI thread)
//   startup-trace deferred=NAME ms=DURATION at=END     (work moved after the first frame)
//
// Threading: the UI thread only. A disabled trace costs a branch per mark.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shubbak {

class StartupTrace {
 public:
  using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux

  // Reads SHUBBAK_STARTUP_TRACE; call it first thing in main.
  static StartupTrace from_environment();
  StartupTrace() = default;                         // disabled
  explicit StartupTrace(Clock::time_point origin);  // enabled, times counted from origin

  bool enabled() const { return m_enabled; }
  // Ends the phase running since the last mark (or since the origin) and names it.
  void phase(std::string_view name);
  void first_frame();
  // A deferred piece of work, timed from `began` to now.
  void deferred(std::string_view name, Clock::time_point began);
  // Work another thread did from `began` to `ended`, while the UI thread went on (reported by
  // the UI thread once it has joined it).
  void beside(std::string_view name, Clock::time_point began, Clock::time_point ended);
  // Restarts the current phase's clock without naming what came before (time spent waiting for
  // input, say): only used after the first frame.
  void restart() { m_last = Clock::now(); }

  struct Entry {
    std::string name;
    double duration_ms;
    double at_ms;
  };
  const std::vector<Entry>& entries() const { return m_entries; }

 private:
  void emit(std::string_view kind, const Entry& entry);
  double since_origin(Clock::time_point t) const;

  bool m_enabled = false;
  Clock::time_point m_origin{};
  Clock::time_point m_last{};
  std::vector<Entry> m_entries;
};

}  // namespace shubbak
