// The hidden gesture that opens technician mode: five taps within three seconds in one small
// corner of the attract screen. A citizen touches the big start button; five quick taps in an
// empty corner do not happen by accident, and they do not give anything away: the PIN does.
// UI thread only.
#pragma once

#include <chrono>
#include <deque>

namespace shubbak {

class SecretTaps {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int k_taps = 5;
  static constexpr std::chrono::milliseconds k_window{3000};

  // A tap inside the corner at `when`; true when it completes the gesture (which then starts
  // over). A tap elsewhere should call reset().
  bool tap(Clock::time_point when) {
    m_taps.push_back(when);
    while (!m_taps.empty() && when - m_taps.front() > k_window) m_taps.pop_front();
    if (static_cast<int>(m_taps.size()) < k_taps) return false;
    m_taps.clear();
    return true;
  }
  void reset() { m_taps.clear(); }

 private:
  std::deque<Clock::time_point> m_taps;
};

}  // namespace shubbak
