// Where receipts and tickets go. Backends: a file (PNG, the demo's simulated printer) today;
// ESC/POS raw through CUPS or IPP, and PWG raster, beside it. Printing blocks: call it from a
// worker.
#pragma once

#include <string>

#include "kiosk/core/error.hpp"
#include "screens/receipt/receipt_document.hpp"

namespace shubbak {

struct PrintJob {
  std::string id;  // the backend's name for it: a file path, an IPP job id
};

class ReceiptPrinter {
 public:
  virtual ~ReceiptPrinter() = default;
  virtual int width_dots() const = 0;
  // `name` identifies the job without citizen data (a transaction id).
  virtual Expected<PrintJob> print(const MonoBitmap& page, const std::string& name) = 0;
};

}  // namespace shubbak
