#include "kiosk/sync/backoff.hpp"

#include <algorithm>

namespace shubbak {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                 std::uint64_t seed)
    : m_initial(std::max(initial, std::chrono::milliseconds(1))),
      m_max(std::max(max, m_initial)),
      m_random(seed) {}

std::chrono::milliseconds Backoff::next_delay() {
  std::int64_t ceiling = m_initial.count();
  for (int i = 0; i < m_failures && ceiling < m_max.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<std::int64_t>(m_max.count()));
  ++m_failures;
  std::uniform_int_distribution<std::int64_t> pick(ceiling / 2, ceiling);
  return std::chrono::milliseconds(pick(m_random));
}

}  // namespace shubbak
