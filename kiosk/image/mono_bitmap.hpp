// A 1-bit image as a thermal printer prints it: receipts and tickets are rendered into one
// (screens/receipt) and printers take one (drivers/printer), so it lives below both.
#pragma once

#include <cstddef>
#include <vector>

namespace shubbak {

// `width` dots a row, rows of (width + 7) / 8 bytes, most significant bit leftmost, 1 = black.
struct MonoBitmap {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> bits;

  int stride() const { return (width + 7) / 8; }
  bool black(int x, int y) const {
    return (bits[static_cast<std::size_t>(y * stride() + x / 8)] >> (7 - x % 8)) & 1;
  }
};

}  // namespace shubbak
