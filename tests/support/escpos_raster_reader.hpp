// Reads back what a thermal printer would get from drivers/printer/escpos_encoder.hpp, for tests
// that check the bytes a printer received. Strict on purpose: the stream must be exactly
//   ESC @, one or more GS v 0 bands (normal density, all of one width), then optionally ESC d n,
//   then optionally GS V (a cut), and nothing after it.
// Anything else (an unknown command, a truncated band, bands of different widths, double-size
// modes, bytes after the cut) is refused with Errc::parse and the byte offset, so a broken
// encoder or a stray byte in a spooled job fails the test instead of decoding to something.
#pragma once

#include <cstdint>
#include <span>

#include "kiosk/core/error.hpp"
#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak::testing {

struct EscPosRaster {
  MonoBitmap page;     // width = 8 x the bands' bytes a row (ESC/POS has no narrower unit)
  int bands = 0;       // GS v 0 commands
  int feed_lines = 0;  // ESC d n; 0 when absent
  bool cut = false;    // GS V present
};

Expected<EscPosRaster> read_escpos_raster(std::span<const std::uint8_t> bytes);

}  // namespace shubbak::testing
