// The tests' ESC/POS reader against the kiosk's encoder: every page the encoder makes comes back
// dot for dot, and anything that is not exactly such a stream is refused.
#include <doctest/doctest.h>

#include "drivers/printer/escpos_encoder.hpp"
#include "tests/support/escpos_raster_reader.hpp"

using namespace shubbak;
using shubbak::testing::read_escpos_raster;

namespace {

MonoBitmap noisy_page(int width, int height, unsigned seed) {
  MonoBitmap page{width, height, {}};
  page.bits.resize(static_cast<std::size_t>(page.stride() * height));
  for (auto& byte : page.bits) {
    seed = seed * 1103515245u + 12345u;  // any pattern will do, as long as rows differ
    byte = static_cast<unsigned char>(seed >> 16);
  }
  return page;
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
  auto read = read_escpos_raster(bytes);
  return read ? std::string("decoded") : read.error().message;
}

}  // namespace

TEST_CASE("round trip: the encoder's pages come back dot for dot, in one band or many") {
  struct Case {
    int width, height, band_rows, feed;
    bool cut;
  };
  for (Case c : {Case{576, 1, 256, 4, true}, Case{576, 600, 256, 4, true},
                 Case{576, 512, 256, 0, false}, Case{384, 300, 7, 9, true},
                 Case{8, 2047, 2047, 255, false}, Case{576, 2048, 2047, 1, true}}) {
    CAPTURE(c.width);
    CAPTURE(c.height);
    CAPTURE(c.band_rows);
    auto page = noisy_page(c.width, c.height, static_cast<unsigned>(c.width * 31 + c.height));
    auto bytes = encode_escpos_raster(page, {c.band_rows, c.feed, c.cut});
    auto read = read_escpos_raster(bytes);
    REQUIRE_MESSAGE(read, (read ? "" : read.error().message));
    CHECK(read->page.width == c.width);
    CHECK(read->page.height == c.height);
    CHECK(read->page.bits == page.bits);
    CHECK(read->bands == (c.height + c.band_rows - 1) / c.band_rows);
    CHECK(read->feed_lines == c.feed);
    CHECK(read->cut == c.cut);
  }
}

TEST_CASE("a page whose width is not a whole number of bytes reads back padded to the byte") {
  auto page = noisy_page(12, 3, 5);  // 2 bytes a row: ESC/POS cannot say "12 dots"
  auto read = read_escpos_raster(encode_escpos_raster(page));
  REQUIRE(read);
  CHECK(read->page.width == 16);
  CHECK(read->page.bits == page.bits);
}

TEST_CASE("anything but ESC @, GS v 0 bands, ESC d and GS V is refused, with the offset") {
  auto page = noisy_page(16, 4, 9);
  const auto good = encode_escpos_raster(page, {2, 3, true});  // ESC @, 2 bands, feed, cut
  REQUIRE(read_escpos_raster(good));
  // Band layout: [0,2) ESC @; [2,10) header; [10,14) dots; [14,22) header; [22,26) dots;
  // [26,29) ESC d 3; [29,33) GS V 66 0.
  REQUIRE(good.size() == 33);

  CHECK(error_of({}) == "ESC/POS raster, byte 0: does not start with ESC @");
  CHECK(error_of({0x1B, 0x40}) == "ESC/POS raster, byte 2: no GS v 0 raster band");
  CHECK(error_of({0x1B, 0x40, 0x1B, 0x64, 3}) == "ESC/POS raster, byte 2: no GS v 0 raster band");

  auto without_init = std::vector<std::uint8_t>(good.begin() + 2, good.end());
  CHECK(error_of(without_init) == "ESC/POS raster, byte 0: does not start with ESC @");

  auto truncated = std::vector<std::uint8_t>(good.begin(), good.begin() + 20);
  CHECK(error_of(truncated) == "ESC/POS raster, byte 14: GS v 0 header cut short");
  truncated = std::vector<std::uint8_t>(good.begin(), good.begin() + 24);
  CHECK(error_of(truncated) == "ESC/POS raster, byte 14: band of 4 bytes, only 2 left");

  auto double_size = good;
  double_size[5] = 3;  // GS v 0 mode 3: double width and height
  CHECK(error_of(double_size) == "ESC/POS raster, byte 2: GS v 0 mode 3 is not normal");

  auto empty_band = good;
  empty_band[8] = 0;  // yL = 0: no rows
  CHECK(error_of(empty_band) == "ESC/POS raster, byte 2: GS v 0 band with no dots");

  auto other_width = good;
  other_width[18] = 1;  // the second band one byte a row, the first two
  other_width[20] = 4;  // and four rows, so its size still fits the bytes left
  CHECK(error_of(other_width) == "ESC/POS raster, byte 14: band 1 bytes a row, earlier bands 2");

  auto trailing = good;
  trailing.push_back(0x0A);
  CHECK(error_of(trailing) == "ESC/POS raster, byte 33: unexpected byte 0x0A after the page");

  auto band_after_feed = std::vector<std::uint8_t>(good.begin(), good.begin() + 29);
  band_after_feed.insert(band_after_feed.end(), good.begin() + 2, good.begin() + 14);
  CHECK(error_of(band_after_feed) ==
        "ESC/POS raster, byte 29: unexpected byte 0x1D after the page");

  auto text = good;
  text.insert(text.begin() + 2, {'A'});  // printer-font text: the kiosk never sends any
  CHECK(error_of(text) == "ESC/POS raster, byte 2: no GS v 0 raster band");

  auto bad_cut = good;
  bad_cut[31] = 7;
  CHECK(error_of(bad_cut) == "ESC/POS raster, byte 29: GS V mode 7 is not a cut");
  auto short_cut = std::vector<std::uint8_t>(good.begin(), good.end() - 1);
  CHECK(error_of(short_cut) == "ESC/POS raster, byte 29: GS V feed-and-cut cut short");
  auto full_cut = std::vector<std::uint8_t>(good.begin(), good.end() - 2);
  full_cut.push_back(0);  // GS V 0: a full cut, no n
  auto read = read_escpos_raster(full_cut);
  REQUIRE(read);
  CHECK(read->cut);
}
