// Dithering a logo for the thermal printer: greys become dot densities, black and white stay
// solid, a gradient stays a gradient, and the logo is scaled down, never up.
#include <doctest/doctest.h>

#include <functional>

#include "screens/receipt/dither.hpp"

using namespace shubbak;

namespace {

GreyImage image(int width, int height, const std::function<std::uint8_t(int, int)>& grey) {
  GreyImage out{width, height, {}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) out.pixels.push_back(grey(x, y));
  }
  return out;
}

double ink(const MonoBitmap& dots, int x0, int x1) {
  int black = 0;
  for (int y = 0; y < dots.height; ++y) {
    for (int x = x0; x < x1; ++x) black += dots.black(x, y);
  }
  return static_cast<double>(black) / ((x1 - x0) * dots.height);
}

}  // namespace

TEST_CASE("black and white stay solid; mid-grey prints about half its dots, spread out") {
  auto black = dither_to_dots(image(64, 64, [](int, int) { return std::uint8_t{0}; }), 64);
  auto white = dither_to_dots(image(64, 64, [](int, int) { return std::uint8_t{255}; }), 64);
  auto grey = dither_to_dots(image(64, 64, [](int, int) { return std::uint8_t{128}; }), 64);
  CHECK(ink(black, 0, 64) == 1.0);
  CHECK(ink(white, 0, 64) == 0.0);
  CHECK(ink(grey, 0, 64) == doctest::Approx(0.5).epsilon(0.05));
  // Not thresholded into stripes: no row of the grey is all black or all white.
  for (int y = 0; y < grey.height; ++y) {
    int row = 0;
    for (int x = 0; x < grey.width; ++x) row += grey.black(x, y);
    CHECK(row > 0);
    CHECK(row < grey.width);
  }
}

TEST_CASE("a gradient stays a gradient: darker columns get more dots") {
  auto dots =
      dither_to_dots(image(256, 64, [](int x, int) { return static_cast<std::uint8_t>(x); }), 256);
  double previous = 1.1;
  for (int band = 0; band < 8; ++band) {
    double here = ink(dots, band * 32, band * 32 + 32);
    CHECK(here < previous);  // left is dark, right is light
    CHECK(here == doctest::Approx(1.0 - (band * 32 + 16) / 255.0).epsilon(0.08));
    previous = here;
  }
}

TEST_CASE("a logo is scaled down in proportion, never enlarged") {
  auto smaller = dither_to_dots(image(400, 200, [](int, int) { return std::uint8_t{0}; }), 192);
  CHECK(smaller.width == 192);
  CHECK(smaller.height == 96);
  CHECK(ink(smaller, 0, 192) == 1.0);
  auto same = dither_to_dots(image(100, 50, [](int, int) { return std::uint8_t{0}; }), 192);
  CHECK(same.width == 100);
  CHECK(same.height == 50);
  CHECK(dither_to_dots(GreyImage{}, 192).width == 0);
}
