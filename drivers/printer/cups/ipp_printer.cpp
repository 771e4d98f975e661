#include "drivers/printer/cups/ipp_printer.hpp"

#include <fmt/format.h>

#include "drivers/printer/cups/ipp_job.hpp"
#include "drivers/printer/cups/pwg_raster.hpp"

namespace shubbak {

Expected<std::unique_ptr<IppPrinter>> IppPrinter::open(IppPrinterOptions options, Log log) {
  auto endpoint = ipp_endpoint_from_uri(options.uri);
  if (!endpoint) return std::unexpected(endpoint.error());
  return std::unique_ptr<IppPrinter>(
      new IppPrinter(std::move(options), std::move(*endpoint), std::move(log)));
}

PrintResult IppPrinter::print(const MonoBitmap& page, const std::string& name) {
  if (auto misfit = page_misfit(page, m_options.width_dots))
    return std::unexpected(std::move(*misfit));
  IppJobLimits limits{m_options.job_timeout,
                      std::max(m_options.status_timeout, std::chrono::milliseconds{5'000})};
  if (m_options.format == IppDocumentFormat::pwg_raster) {
    auto raster = encode_pwg_raster(page, m_options.resolution_dpi);
    if (!raster) return std::unexpected(PrintFailure{PrinterState::ok, raster.error()});
    return print_and_follow(m_endpoint, *raster, "image/pwg-raster", name, limits, m_log);
  }
  auto bytes = encode_escpos_raster(page, m_options.escpos);
  return print_and_follow(m_endpoint, bytes, "application/vnd.cups-raw", name, limits, m_log);
}

PrinterState IppPrinter::state() {
  return ask_printer_state(m_endpoint, m_options.status_timeout, m_log);
}

}  // namespace shubbak
