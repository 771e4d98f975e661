#include "drivers/printer/printer_factory.hpp"

#include "drivers/printer/cups/cups_queue_printer.hpp"
#include "drivers/printer/cups/ipp_printer.hpp"
#include "drivers/printer/file_printer.hpp"
#include "kiosk/core/printer_uri.hpp"

namespace shubbak {

namespace {

template <class Printer>
Expected<std::unique_ptr<ReceiptPrinter>> as_receipt_printer(
    Expected<std::unique_ptr<Printer>> opened) {
  if (!opened) return std::unexpected(opened.error());
  return std::unique_ptr<ReceiptPrinter>(std::move(*opened));
}

}  // namespace

Expected<std::unique_ptr<ReceiptPrinter>> open_receipt_printer(
    const PrinterOptions& config, const std::filesystem::path& data_dir, Log log) {
  auto address = parse_printer_uri(config.uri);
  if (!address) return std::unexpected(address.error());
  std::chrono::milliseconds job_timeout = std::chrono::seconds(config.job_timeout_seconds);
  switch (address->kind) {
    case PrinterAddress::Kind::none:
      return std::unique_ptr<ReceiptPrinter>();
    case PrinterAddress::Kind::simulated:
      return as_receipt_printer(FilePrinter::open(data_dir / "receipts", config.width_dots));
    case PrinterAddress::Kind::ipp: {
      IppPrinterOptions options;
      options.uri = address->ipp_uri;
      options.width_dots = config.width_dots;
      options.format = config.format == PrinterFormat::pwg ? IppDocumentFormat::pwg_raster
                                                           : IppDocumentFormat::escpos_raw;
      options.resolution_dpi = config.resolution_dpi;
      options.job_timeout = job_timeout;
      log.info("printer {} ({}, {} dots wide)", options.uri,
               config.format == PrinterFormat::pwg ? "PWG raster" : "ESC/POS", options.width_dots);
      return as_receipt_printer(IppPrinter::open(std::move(options), std::move(log)));
    }
    case PrinterAddress::Kind::cups_queue: {
      CupsQueueOptions options;
      options.queue = address->queue;
      options.socket = address->cups_socket;
      options.width_dots = config.width_dots;
      options.job_timeout = job_timeout;
      log.info("printer: CUPS queue {} at {} (ESC/POS raw)", options.queue, options.socket);
      return as_receipt_printer(CupsQueuePrinter::open(std::move(options), std::move(log)));
    }
  }
  return fail(Errc::internal, "unknown printer kind");
}

}  // namespace shubbak
