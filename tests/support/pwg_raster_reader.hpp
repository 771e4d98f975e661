// Reads a PWG raster file back with libcups' own raster reader, for tests that check what a
// printer received. One black_1 page becomes a MonoBitmap (1 = black).
#pragma once

#include <filesystem>

#include "kiosk/core/error.hpp"
#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak::testing {

struct PwgPage {
  MonoBitmap bitmap;
  int x_dpi = 0, y_dpi = 0;
  int bits_per_pixel = 0;
};

Expected<PwgPage> read_pwg_raster(const std::filesystem::path& file);

}  // namespace shubbak::testing
