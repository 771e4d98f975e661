#include "screens/receipt/dither.hpp"

#include <algorithm>
#include <cstddef>

namespace shubbak {

namespace {

// The mean grey of the source pixels under each destination pixel (box filter).
std::vector<float> scaled_grey(const GreyImage& image, int width, int height) {
  std::vector<float> out(static_cast<std::size_t>(width * height));
  for (int y = 0; y < height; ++y) {
    int y0 = y * image.height / height, y1 = std::max(y0 + 1, (y + 1) * image.height / height);
    for (int x = 0; x < width; ++x) {
      int x0 = x * image.width / width, x1 = std::max(x0 + 1, (x + 1) * image.width / width);
      float sum = 0;
      for (int sy = y0; sy < y1; ++sy) {
        for (int sx = x0; sx < x1; ++sx)
          sum += image.pixels[static_cast<std::size_t>(sy * image.width + sx)];
      }
      out[static_cast<std::size_t>(y * width + x)] =
          sum / static_cast<float>((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

}  // namespace

MonoBitmap dither_to_dots(const GreyImage& image, int width) {
  MonoBitmap out;
  if (image.width <= 0 || image.height <= 0 || width <= 0) return out;
  out.width = std::min(width, image.width);
  out.height = std::max(1, image.height * out.width / image.width);
  out.bits.assign(static_cast<std::size_t>(out.stride() * out.height), 0);
  std::vector<float> grey = scaled_grey(image, out.width, out.height);
  auto at = [&](int x, int y) -> float& {
    return grey[static_cast<std::size_t>(y * out.width + x)];
  };
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      float old = at(x, y);
      bool ink = old < 128;
      float error = old - (ink ? 0.0f : 255.0f);
      if (ink)
        out.bits[static_cast<std::size_t>(y * out.stride() + x / 8)] |=
            static_cast<unsigned char>(0x80 >> (x % 8));
      // The classic weights: 7/16 ahead, 3/16 5/16 1/16 on the row below.
      if (x + 1 < out.width) at(x + 1, y) += error * 7 / 16;
      if (y + 1 < out.height) {
        if (x > 0) at(x - 1, y + 1) += error * 3 / 16;
        at(x, y + 1) += error * 5 / 16;
        if (x + 1 < out.width) at(x + 1, y + 1) += error * 1 / 16;
      }
    }
  }
  return out;
}

}  // namespace shubbak
