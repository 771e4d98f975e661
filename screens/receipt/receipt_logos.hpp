// The issuer's logo as printer dots, read and dithered once per file and paper width, not for
// every receipt. Not thread-safe: its owner (ReceiptDesk) prints one receipt at a time.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "kiosk/image/mono_bitmap.hpp"
#include "screens/receipt/receipt_document.hpp"

namespace shubbak {

class ReceiptLogos {
 public:
  // The dots of the PNG at `path`, a third of the paper wide; null when there is no logo or the
  // file cannot be read (the receipt is printed without it).
  const MonoBitmap* dots(const std::string& path, int paper_width);

 private:
  std::map<std::pair<std::string, int>, MonoBitmap> m_cache;  // an empty bitmap: unreadable
};

}  // namespace shubbak
