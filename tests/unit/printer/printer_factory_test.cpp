#include <doctest/doctest.h>

#include "drivers/printer/cups/cups_queue_printer.hpp"
#include "drivers/printer/cups/ipp_printer.hpp"
#include "drivers/printer/file_printer.hpp"
#include "drivers/printer/printer_factory.hpp"
#include "kiosk/core/config.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;

namespace {
Expected<std::unique_ptr<ReceiptPrinter>> open_for(const std::string& uri,
                                                   const std::filesystem::path& data_dir) {
  static Logger logger(LogLevel::error);
  Config::Printer config;
  config.uri = uri;
  config.width_dots = 384;
  return open_receipt_printer(config, data_dir, Log(logger, "printer"));
}
}  // namespace

TEST_CASE("printer.uri picks the backend; none is no printer and no error") {
  testing::TempDir dir;
  auto none = open_for("none", dir.path());
  REQUIRE(none);
  CHECK(*none == nullptr);

  auto simulated = open_for("sim://receipts", dir.path());
  REQUIRE(simulated);
  CHECK(dynamic_cast<FilePrinter*>(simulated->get()) != nullptr);
  CHECK((*simulated)->width_dots() == 384);
  CHECK(std::filesystem::is_directory(dir / "receipts"));

  // IPP and CUPS printers may be off when the kiosk starts: opening them asks nothing.
  auto ipp = open_for("ipp://127.0.0.1:9/ipp/print", dir.path());
  REQUIRE(ipp);
  CHECK(dynamic_cast<IppPrinter*>(ipp->get()) != nullptr);
  auto queue = open_for("cups://receipts@/nonexistent/cups.sock", dir.path());
  REQUIRE(queue);
  CHECK(dynamic_cast<CupsQueuePrinter*>(queue->get()) != nullptr);
  CHECK((*queue)->state() == PrinterState::offline);

  auto bad = open_for("lpd://host/queue", dir.path());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::config);
}
