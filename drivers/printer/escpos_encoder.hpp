// ESC/POS raster for thermal receipt printers: the receipt's 1-bit image as `GS v 0` raster
// bands, then a feed and a cut. The kiosk renders Arabic itself, so no printer font is used.
//   ESC @                      initialise
//   GS v 0 m xL xH yL yH d...  one band: (xL + 256 xH) bytes a row, (yL + 256 yH) rows, 1 = dot
//   ESC d n                    feed n lines (past the cutter)
//   GS V 66 0                  partial cut
#pragma once

#include <cstdint>
#include <vector>

#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak {

struct EscPosOptions {
  int band_rows = 256;  // rows per GS v 0 command: small enough for a printer's input buffer
  int feed_lines = 4;
  bool cut = true;
};

std::vector<std::uint8_t> encode_escpos_raster(const MonoBitmap& page,
                                               const EscPosOptions& options = {});

}  // namespace shubbak
