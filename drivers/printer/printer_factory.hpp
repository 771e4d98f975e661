// The receipt printer `printer.uri` names (kiosk/core/printer_uri.hpp for the forms):
// sim://receipts (FilePrinter in DATA_DIR/receipts), none (no printer: nullptr, no error),
// ipp:// and ipps:// (IppPrinter), cups://QUEUE[@SOCKET] (CupsQueuePrinter).
#pragma once

#include <filesystem>
#include <memory>

#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/printer_options.hpp"

namespace shubbak {

Expected<std::unique_ptr<ReceiptPrinter>> open_receipt_printer(
    const PrinterOptions& config, const std::filesystem::path& data_dir, Log log);

}  // namespace shubbak
