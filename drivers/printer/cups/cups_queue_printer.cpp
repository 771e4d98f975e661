#include "drivers/printer/cups/cups_queue_printer.hpp"

#include <fmt/format.h>

#include "drivers/printer/cups/ipp_job.hpp"

namespace shubbak {

Expected<std::unique_ptr<CupsQueuePrinter>> CupsQueuePrinter::open(CupsQueueOptions options,
                                                                   Log log) {
  if (!is_plain_job_name(options.queue))
    return fail(Errc::config, fmt::format("\"{}\" is not a CUPS queue name", options.queue));
  if (!options.socket.starts_with('/'))
    return fail(Errc::config,
                fmt::format("cupsd socket \"{}\" is not an absolute path", options.socket));
  return std::unique_ptr<CupsQueuePrinter>(
      new CupsQueuePrinter(std::move(options), std::move(log)));
}

PrintResult CupsQueuePrinter::print(const MonoBitmap& page, const std::string& name) {
  if (auto misfit = page_misfit(page, m_options.width_dots))
    return std::unexpected(std::move(*misfit));
  IppJobLimits limits{m_options.job_timeout,
                      std::max(m_options.status_timeout, std::chrono::milliseconds{5'000}),
                      /*forgotten_job_is_done=*/true};
  auto bytes = encode_escpos_raster(page, m_options.escpos);
  return print_and_follow(m_endpoint, bytes, "application/vnd.cups-raw", name, limits, m_log);
}

PrinterState CupsQueuePrinter::state() {
  return ask_printer_state(m_endpoint, m_options.status_timeout, m_log);
}

}  // namespace shubbak
