// What every benchmark computes from its samples: nearest-rank percentiles and durations in
// milliseconds, one definition for all.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace bench_stats {

// The sample at rank p (0..1) of `values`, nearest rank; 0 when there are none.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

template <typename Rep, typename Period>
double ms(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace bench_stats
