// What a receipt or queue ticket says, already in the citizen's language. The runner fills it
// from the bundle's receipt template and the stored transaction; the renderer lays it out.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kiosk/core/language.hpp"

namespace shubbak {

struct ReceiptDocument {
  Language language = Language::ar;
  std::string logo;    // a PNG file (the issuer's logo), printed dithered at the top; empty: none
  std::string issuer;  // the ministry or the kiosk's site, at the top
  std::string title;
  std::string big_number;  // a queue ticket's number, printed large; empty on receipts
  std::vector<std::pair<std::string, std::string>> lines;  // label, value
  std::string total_label;
  std::string total;                                         // formatted money; empty when free
  std::vector<std::pair<std::string, std::string>> details;  // transaction id, time, kiosk
  std::string footer;
  // Printed as a QR code (error correction M) under the details, centered, with its caption
  // under it; empty: no code. A stored transaction's receipt carries its seal here.
  std::string qr_text;
  std::string qr_caption;
};

}  // namespace shubbak
