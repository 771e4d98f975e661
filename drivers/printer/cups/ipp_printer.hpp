// A receipt printer straight over IPP (ipp://HOST[:PORT]/PATH or ipps://), no cupsd between:
// the kiosk sees the printer's true job outcome (completed, or aborted for no paper or a jam)
// and its printer-state-reasons. Pages go as ESC/POS raster in an application/vnd.cups-raw
// document (thermal printers) or as PWG raster, image/pwg-raster (IPP Everywhere printers).
// Job names are the caller's transaction ids; requesting-user-name is always "shubbak".
// print() and state() block (state() for at most `status_timeout`): call them from a worker.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "drivers/printer/cups/ipp_session.hpp"
#include "drivers/printer/escpos_encoder.hpp"
#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

enum class IppDocumentFormat { escpos_raw, pwg_raster };

struct IppPrinterOptions {
  std::string uri;  // ipp:// or ipps://
  int width_dots = 576;
  IppDocumentFormat format = IppDocumentFormat::escpos_raw;
  int resolution_dpi = 203;  // PWG raster only
  EscPosOptions escpos;
  std::chrono::milliseconds job_timeout{30'000};
  std::chrono::milliseconds status_timeout{2'000};
};

class IppPrinter final : public ReceiptPrinter {
 public:
  // Checks the URI only: the printer may be off when the kiosk starts.
  static Expected<std::unique_ptr<IppPrinter>> open(IppPrinterOptions options, Log log);

  int width_dots() const override { return m_options.width_dots; }
  PrintResult print(const MonoBitmap& page, const std::string& name) override;
  PrinterState state() override;

 private:
  IppPrinter(IppPrinterOptions options, IppEndpoint endpoint, Log log)
      : m_options(std::move(options)), m_endpoint(std::move(endpoint)), m_log(std::move(log)) {}
  IppPrinterOptions m_options;
  IppEndpoint m_endpoint;
  Log m_log;
};

}  // namespace shubbak
