// Where receipts and tickets go, behind one interface. Backends: a file (PNG, the demo's
// simulated printer), and IPP/CUPS printers (ESC/POS raw or PWG raster). Printing and asking
// for the status block: call them from a worker.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/device_status.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak {

// The device status model shared by every backend, the technician's screen and the heartbeat.
// IPP printer-state-reasons map onto it (media-low, media-empty, media-jam, door-open, and an
// unreachable or stopped printer as offline).
enum class PrinterState { ok, media_low, media_empty, jam, door_open, offline };

constexpr std::string_view printer_state_name(PrinterState state) {
  switch (state) {
    case PrinterState::ok:
      return "ok";
    case PrinterState::media_low:
      return "media-low";
    case PrinterState::media_empty:
      return "media-empty";
    case PrinterState::jam:
      return "jam";
    case PrinterState::door_open:
      return "door-open";
    case PrinterState::offline:
      return "offline";
  }
  return "offline";
}

// The printer's state in the model every device shares.
constexpr DeviceStatus device_status(PrinterState state) {
  switch (state) {
    case PrinterState::ok:
      return DeviceStatus::online;
    case PrinterState::media_low:
      return DeviceStatus::media_low;
    case PrinterState::media_empty:
      return DeviceStatus::media_empty;
    case PrinterState::jam:
      return DeviceStatus::jam;
    case PrinterState::door_open:
      return DeviceStatus::door_open;
    case PrinterState::offline:
      return DeviceStatus::offline;
  }
  return DeviceStatus::offline;
}

// Whether a receipt can be printed in this state (paper running low still prints).
constexpr bool printer_can_print(PrinterState state) {
  return state == PrinterState::ok || state == PrinterState::media_low;
}

struct PrintJob {
  std::string id;  // the backend's name for it: a file path, an IPP job URI or id
};

// A print that failed says why in the device model, so the kiosk can tell the citizen
// ("the printer is out of paper") and the technician (which fault) precisely.
struct PrintFailure {
  PrinterState state = PrinterState::offline;
  Error error;
};

using PrintResult = std::expected<PrintJob, PrintFailure>;

// Every backend's first check: a page the paper cannot take is the caller's mistake, not a
// printer fault, so the printer's state stays ok.
inline std::optional<PrintFailure> page_misfit(const MonoBitmap& page, int width_dots) {
  if (page.width == width_dots) return std::nullopt;
  return PrintFailure{
      PrinterState::ok,
      Error{Errc::invalid_argument, "page is " + std::to_string(page.width) + " dots wide, paper " +
                                        std::to_string(width_dots)}};
}

class ReceiptPrinter {
 public:
  virtual ~ReceiptPrinter() = default;
  virtual int width_dots() const = 0;
  // Prints one page and waits until the printer has it done (or has failed it).
  // `name` identifies the job without citizen data (a transaction id).
  virtual PrintResult print(const MonoBitmap& page, const std::string& name) = 0;
  // The printer's state now (asks the device; blocks up to the backend's timeout).
  virtual PrinterState state() = 0;
};

}  // namespace shubbak
