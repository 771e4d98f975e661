#include "drivers/printer/escpos_encoder.hpp"

#include <algorithm>

namespace shubbak {

std::vector<std::uint8_t> encode_escpos_raster(const MonoBitmap& page,
                                               const EscPosOptions& options) {
  std::vector<std::uint8_t> out = {0x1B, 0x40};  // ESC @
  const int stride = page.stride();
  const int band = std::clamp(options.band_rows, 1, 2047);
  auto low = [](int v) { return static_cast<std::uint8_t>(v & 0xFF); };
  auto high = [](int v) { return static_cast<std::uint8_t>((v >> 8) & 0xFF); };
  for (int top = 0; top < page.height; top += band) {
    int rows = std::min(band, page.height - top);
    out.insert(out.end(),
               {0x1D, 0x76, 0x30, 0x00, low(stride), high(stride), low(rows), high(rows)});
    // MonoBitmap rows are already ESC/POS order: most significant bit leftmost, 1 = black.
    auto first = page.bits.begin() + static_cast<std::ptrdiff_t>(top) * stride;
    out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(rows) * stride);
  }
  out.insert(out.end(),
             {0x1B, 0x64, static_cast<std::uint8_t>(std::clamp(options.feed_lines, 0, 255))});
  if (options.cut) out.insert(out.end(), {0x1D, 0x56, 0x42, 0x00});
  return out;
}

}  // namespace shubbak
