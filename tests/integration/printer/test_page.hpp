// A receipt-sized page whose every dot matters: a pattern no two rows of which are alike, so a
// dropped, repeated or shifted row or byte shows.
#pragma once

#include <cstdint>
#include <string>

#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak::testing {

inline MonoBitmap test_page(int width = 576, int height = 1200) {
  MonoBitmap page{width, height, {}};
  page.bits.resize(static_cast<std::size_t>(page.stride() * height));
  std::uint32_t state = 0x2545F491u;
  for (auto& byte : page.bits) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    byte = static_cast<unsigned char>(state);
  }
  // White margins as on real receipts, so long runs are compressed too (PWG's run length).
  for (int y = 0; y < 100; ++y) {
    for (int i = 0; i < page.stride(); ++i)
      page.bits[static_cast<std::size_t>(y * page.stride() + i)] = 0;
  }
  return page;
}

// "ipp://localhost:631/ipp/print/7" -> 7
inline int job_id_of(const std::string& job_uri) {
  return std::stoi(job_uri.substr(job_uri.rfind('/') + 1));
}

}  // namespace shubbak::testing
