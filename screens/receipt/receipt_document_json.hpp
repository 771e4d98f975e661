// A ReceiptDocument as JSON, so the receipt journal can keep it and print it again exactly.
// Every member is one named field; a new element (a signed QR code, say) is one more field, and
// documents written before it existed still read (missing fields keep their defaults).
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "screens/receipt/receipt_document.hpp"

namespace shubbak {

std::string to_json(const ReceiptDocument& document);
// Errc::invalid_argument when `json` is not a document this build can read.
Expected<ReceiptDocument> receipt_document_from_json(std::string_view json);

}  // namespace shubbak
