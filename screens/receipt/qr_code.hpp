// A QR code as a square of modules, for drawing on a receipt. Made by libqrencode (qr_code.cpp is
// the only file that includes qrencode.h); the encoder picks the smallest version that holds
// the text and the cheapest modes (alphanumeric for a base45 receipt seal).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

enum class QrErrorCorrection { low, medium, quartile, high };

struct QrMatrix {
  int size = 0;                    // modules a side, without the quiet zone
  int version = 0;                 // 1-40
  std::vector<std::uint8_t> dark;  // size * size, row-major, 1 = dark module

  bool is_dark(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)] != 0; }
};

// Errc::invalid_argument for empty text or text no QR code version holds at `level`.
Expected<QrMatrix> encode_qr(std::string_view text,
                             QrErrorCorrection level = QrErrorCorrection::medium);

}  // namespace shubbak
