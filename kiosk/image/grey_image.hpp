// A PNG as 8-bit grey pixels: a receipt's logo before it is dithered, and a photo, scan or
// printer PNG for the QR reader of
// shubbakctl and the console. grey_image.cpp is the only file here that includes png.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, 0 = black, 255 = white
};

// Any PNG (1-bit printer output, grey, colour, with alpha over white). Errc::not_found or
// Errc::io when the file cannot be read, Errc::parse when it is not a PNG.
Expected<GreyImage> read_grey_png(const std::filesystem::path& path);
// The same for a PNG held in memory (an upload to the portal's console). Errc::parse when
// `bytes` is not a PNG.
Expected<GreyImage> decode_grey_png(std::string_view bytes);

}  // namespace shubbak
