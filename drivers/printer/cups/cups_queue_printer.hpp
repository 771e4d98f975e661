// A receipt printer behind a queue of the kiosk's local cupsd (cups://QUEUE, or
// cups://QUEUE@/PATH/TO/cups.sock for a cupsd on another socket): the page goes as ESC/POS
// raster in a raw job (application/vnd.cups-raw) to a raw queue (`lpadmin -m raw`), and the
// state is the queue's printer-state and printer-state-reasons.
//
// Known limit: through a cupsd raw queue, a job the printer aborts (no paper, a jam) reads as
// "completed": cupsd's ipp backend only hands the document over. Faults show in the queue's
// state afterwards, not in the job. For true job outcomes use ipp:// straight to the printer
// (IppPrinter); this backend is for printers only cupsd can reach (USB, a vendor backend).
// print() and state() block: call them from a worker.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "drivers/printer/cups/ipp_session.hpp"
#include "drivers/printer/escpos_encoder.hpp"
#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

struct CupsQueueOptions {
  std::string queue;
  std::string socket = "/run/cups/cups.sock";
  int width_dots = 576;
  EscPosOptions escpos;
  std::chrono::milliseconds job_timeout{30'000};
  std::chrono::milliseconds status_timeout{2'000};
};

class CupsQueuePrinter final : public ReceiptPrinter {
 public:
  // Checks nothing on the way: cupsd may start after the kiosk.
  static Expected<std::unique_ptr<CupsQueuePrinter>> open(CupsQueueOptions options, Log log);

  int width_dots() const override { return m_options.width_dots; }
  PrintResult print(const MonoBitmap& page, const std::string& name) override;
  PrinterState state() override;

 private:
  CupsQueuePrinter(CupsQueueOptions options, Log log)
      : m_options(std::move(options)),
        m_endpoint(cups_queue_endpoint(m_options.queue, m_options.socket)),
        m_log(std::move(log)) {}
  CupsQueueOptions m_options;
  IppEndpoint m_endpoint;
  Log m_log;
};

}  // namespace shubbak
