// Lays a receipt out with the screen's own text engine (so Arabic is shaped and ordered exactly
// as on the screen) into a bitmap at the printer's width, then thresholds it to 1 bit.
// 58 mm paper is 384 dots, 80 mm is 576 dots at 203 dpi.
#pragma once

#include "kiosk/core/error.hpp"
#include "kiosk/image/mono_bitmap.hpp"
#include "screens/receipt/receipt_document.hpp"
#include "screens/text/text_engine.hpp"

namespace shubbak {

// `logo`: the document's logo already as dots (ReceiptLogos); null prints none.
Expected<MonoBitmap> render_receipt(TextEngine& text, const ReceiptDocument& document,
                                    int width_dots, const MonoBitmap* logo = nullptr);

}  // namespace shubbak
