// Receipts as the kiosk prints them, for the receipt QR tests and the render benchmark: real
// Arabic and English documents with amounts formatted by the locale formatter.
#pragma once

#include <string>

#include "kiosk/crypto/receipt_seal.hpp"
#include "kiosk/image/mono_bitmap.hpp"
#include "screens/receipt/receipt_document.hpp"
#include "tests/support/png_image.hpp"

namespace shubbak::testing {

// A paid municipality fee: 1.250 OMR, Muscat, kiosk MCT-SEEB-07.
ReceiptFacts sample_receipt_facts();

// The seal of sample_receipt_facts() with a fixed placeholder signature: golden images must not
// depend on a key made at test time. It parses; no key verifies it.
std::string placeholder_sample_seal();

// The receipt for `facts` in `language`, with `seal` as its QR code and `extra_lines` more
// fee lines (the benchmark's long receipt).
ReceiptDocument sample_receipt(Language language, const ReceiptFacts& facts,
                               const std::string& seal, int extra_lines = 0);

// The printer's dots as a picture: black on white.
Image to_image(const MonoBitmap& page);

}  // namespace shubbak::testing
