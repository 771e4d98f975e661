#include <doctest/doctest.h>

#include "drivers/printer/escpos_encoder.hpp"

using namespace shubbak;

namespace {
MonoBitmap page(int width, int height) {
  MonoBitmap m{width, height, {}};
  m.bits.assign(static_cast<std::size_t>(m.stride() * height), 0);
  return m;
}
}  // namespace

TEST_CASE("a small page becomes one raster band, a feed and a cut, byte for byte") {
  MonoBitmap m = page(12, 2);  // 12 dots: 2 bytes a row
  m.bits = {0x80, 0x10, 0xFF, 0xF0};
  auto bytes = encode_escpos_raster(m, {256, 3, true});
  std::vector<std::uint8_t> expected = {0x1B, 0x40,  // ESC @
                                        0x1D, 0x76, 0x30, 0x00,
                                        2,    0,    2,    0,      // GS v 0, 2 bytes x 2 rows
                                        0x80, 0x10, 0xFF, 0xF0,   // the dots
                                        0x1B, 0x64, 3,            // feed 3 lines
                                        0x1D, 0x56, 0x42, 0x00};  // partial cut
  CHECK(bytes == expected);
}

TEST_CASE("a tall receipt is sent in bands a printer's buffer can take, every row once") {
  MonoBitmap m = page(576, 600);  // 80 mm paper: 72 bytes a row
  for (std::size_t i = 0; i < m.bits.size(); ++i) m.bits[i] = static_cast<std::uint8_t>(i * 7);
  auto bytes = encode_escpos_raster(m, {256, 4, false});
  // Three bands of 256, 256 and 88 rows.
  std::size_t at = 2;
  std::size_t row = 0;
  for (int rows : {256, 256, 88}) {
    REQUIRE(bytes.size() > at + 8);
    CHECK(bytes[at] == 0x1D);
    CHECK(bytes[at + 4] == 72);
    CHECK(bytes[at + 5] == 0);
    CHECK(bytes[at + 6] + 256 * bytes[at + 7] == rows);
    at += 8;
    for (int r = 0; r < rows; ++r, ++row) {
      CHECK(std::equal(m.bits.begin() + static_cast<std::ptrdiff_t>(row * 72),
                       m.bits.begin() + static_cast<std::ptrdiff_t>((row + 1) * 72),
                       bytes.begin() + static_cast<std::ptrdiff_t>(at)));
      at += 72;
    }
  }
  CHECK(row == 600);
  CHECK(bytes.size() == at + 3);  // the feed, and no cut
}
