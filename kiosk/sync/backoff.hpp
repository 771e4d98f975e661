// Exponential backoff with jitter for retrying the portal: each failure doubles the ceiling (up
// to `max`), and the actual wait is drawn from [ceiling/2, ceiling] so a fleet of kiosks coming
// back online together does not hammer the portal in lockstep.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace shubbak {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

  // The wait before the next attempt, after one more failure.
  std::chrono::milliseconds next_delay();
  void reset() { m_failures = 0; }
  int failures() const { return m_failures; }

 private:
  std::chrono::milliseconds m_initial;
  std::chrono::milliseconds m_max;
  int m_failures = 0;
  std::mt19937_64 m_random;
};

}  // namespace shubbak
