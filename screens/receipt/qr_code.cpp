// The libqrencode backend of QrMatrix.
#include "screens/receipt/qr_code.hpp"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <string>

#include <fmt/format.h>

namespace shubbak {

namespace {

struct QrcodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

QRecLevel to_qrencode(QrErrorCorrection level) {
  switch (level) {
    case QrErrorCorrection::low:
      return QR_ECLEVEL_L;
    case QrErrorCorrection::medium:
      return QR_ECLEVEL_M;
    case QrErrorCorrection::quartile:
      return QR_ECLEVEL_Q;
    case QrErrorCorrection::high:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

}  // namespace

Expected<QrMatrix> encode_qr(std::string_view text, QrErrorCorrection level) {
  if (text.empty()) return fail(Errc::invalid_argument, "a QR code needs some text");
  if (text.find('\0') != std::string_view::npos)
    return fail(Errc::invalid_argument, "QR text cannot hold a NUL byte");
  std::string terminated(text);
  // Version 0: the smallest that fits. Case-sensitive, so the splitter keeps alphanumeric runs.
  std::unique_ptr<QRcode, QrcodeFree> code(
      QRcode_encodeString(terminated.c_str(), 0, to_qrencode(level), QR_MODE_8, 1));
  if (!code) {
    if (errno == ERANGE)
      return fail(Errc::invalid_argument,
                  fmt::format("{} characters do not fit in a QR code", text.size()));
    return fail_errno(Errc::internal, "libqrencode failed", errno);
  }
  QrMatrix out;
  out.size = code->width;
  out.version = code->version;
  out.dark.resize(static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
  // Bit 0 of each libqrencode byte is the module's colour; the other bits describe its role.
  for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = code->data[i] & 1;
  return out;
}

}  // namespace shubbak
