// PWG raster (IPP Everywhere's image/pwg-raster) for printers that do not speak ESC/POS: the
// receipt's 1-bit page as one "black_1" page, 1 = black, at the printer's resolution.
#pragma once

#include <cstdint>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak {

// The page is exactly `page.width` x `page.height` dots at `dpi`; nothing is scaled.
Expected<std::vector<std::uint8_t>> encode_pwg_raster(const MonoBitmap& page, int dpi);

}  // namespace shubbak
