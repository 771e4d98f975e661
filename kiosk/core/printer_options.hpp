// The receipt printer's settings (`[printer]` in kiosk.toml): what the printer factory takes,
// not the whole configuration.
#pragma once

#include <filesystem>
#include <string>

namespace shubbak {

// What an IPP or CUPS printer is sent: ESC/POS raster (thermal printers, as raw bytes) or PWG
// raster (IPP Everywhere printers).
enum class PrinterFormat { escpos, pwg };

struct PrinterOptions {
  // "sim://receipts" (PNG files in DATA_DIR/receipts), "none", "ipp://HOST[:PORT]/PATH",
  // "ipps://...", "cups://QUEUE" or "cups://QUEUE@/PATH/TO/cups.sock"
  // (kiosk/core/printer_uri.hpp)
  std::string uri = "sim://receipts";
  int width_dots = 576;        // 576 for 80 mm paper, 384 for 58 mm, at 203 dpi
  int attempts = 3;            // tries of one receipt while the printer says it can print
  int retry_backoff_ms = 500;  // wait before the second try, doubled before each further one
  PrinterFormat format = PrinterFormat::escpos;  // for ipp(s):// (cups:// is always ESC/POS raw)
  int resolution_dpi = 203;                      // the PWG raster's resolution
  int job_timeout_seconds = 30;  // from sending a job to its end, before it counts as failed
  std::filesystem::path logo;    // a PNG printed dithered at the top of each receipt; empty: none
};

}  // namespace shubbak
