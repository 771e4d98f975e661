// The zxing-cpp backend of read_qr_code.
#include "provisioning/receipts/qr_image_reader.hpp"

#define ZX_USE_UTF8 1
#include <ReadBarcode.h>

namespace shubbak::receipts {

Expected<std::string> read_qr_code(const GreyImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() !=
          static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
    return fail(Errc::invalid_argument, "the image is empty");
  ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);  // photos: skewed, rotated, unevenly lit
  hints.setTryRotate(true);
  auto result = ZXing::ReadBarcode(view, hints);
  if (!result.isValid()) return fail(Errc::not_found, "no readable QR code in the image");
  const auto& bytes = result.bytes();
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace shubbak::receipts
