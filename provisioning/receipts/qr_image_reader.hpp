// Finds and decodes a QR code in a grey image (a receipt PNG, a photo or a scan) with zxing-cpp,
// for shubbakctl and the portal's console; qr_image_reader.cpp is the only file that includes
// ZXing headers.
#pragma once

#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/image/grey_image.hpp"

namespace shubbak::receipts {

// The QR code's content, byte for byte. Errc::not_found when the image holds no readable QR code.
Expected<std::string> read_qr_code(const GreyImage& image);

}  // namespace shubbak::receipts
