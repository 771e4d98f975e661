// The CUPS queue backend through a private cupsd that runs on the kiosk's shipped cupsd.conf,
// with a raw queue pointing at a real ippeveprinter.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/printer/cups/cups_queue_printer.hpp"
#include "drivers/printer/cups/ipp_session.hpp"
#include "drivers/printer/escpos_encoder.hpp"
#include "drivers/printer/printer_factory.hpp"
#include "kiosk/core/config.hpp"
#include "tests/integration/printer/test_page.hpp"
#include "tests/support/ipp_test_printer.hpp"
#include "tests/support/private_cupsd.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path k_shipped_conf = fs::path(SHUBBAK_SOURCE_DIR) / "provisioning/etc/cups/cupsd.conf";

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What cupsd still keeps about jobs: c* control files (history) and d* document files.
std::vector<std::string> job_files(const fs::path& request_root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(request_root, ec)) {
    auto name = entry.path().filename().string();
    if (name.starts_with('c') || name.starts_with('d')) names.push_back(name);
  }
  return names;
}

struct QueueWorld {
  TempDir printer_dir, cupsd_dir;
  IppTestPrinter device{printer_dir.path()};
  PrivateCupsd cupsd{cupsd_dir.path(), k_shipped_conf};
  Logger logger{LogLevel::warn};
  std::unique_ptr<ReceiptPrinter> printer;

  QueueWorld() {
    cupsd.add_raw_queue("receipts", device.uri());
    Config::Printer config;
    config.uri = "cups://receipts@" + cupsd.socket().string();
    config.job_timeout_seconds = 20;
    auto opened = open_receipt_printer(config, cupsd_dir.path(), Log(logger, "printer"));
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().message));
    REQUIRE(*opened);
    printer = std::move(*opened);
  }
};

}  // namespace

TEST_CASE("cupsd accepts the shipped privacy directives") {
  TempDir dir;
  PrivateCupsd cupsd(dir.path(), k_shipped_conf);
  CHECK(cupsd.config_check_output().find("is OK") != std::string::npos);
  CHECK(cupsd.config_check_output().find("Unknown directive") == std::string::npos);
  auto conf = text_of(cupsd.cupsd_conf());
  for (const char* directive :
       {"PreserveJobFiles No", "PreserveJobHistory No", "Browsing No", "DefaultShared No",
        "BrowseLocalProtocols none", "WebInterface No"}) {
    CHECK_MESSAGE(conf.find(std::string("\n") + directive + "\n") != std::string::npos, directive);
  }
  // Only the private socket: no TCP listener was left in.
  CHECK(conf.find("Listen localhost") == std::string::npos);
  CHECK(conf.find("Listen " + cupsd.socket().string()) != std::string::npos);
}

TEST_CASE(
    "through the cupsd raw queue the printer receives the encoder's bytes under the name given, "
    "and cupsd keeps nothing") {
  QueueWorld world;
  CHECK(world.printer->state() == PrinterState::ok);
  auto page = test_page();
  auto printed = world.printer->print(page, "T-20260315-000043");
  REQUIRE_MESSAGE(printed, (printed ? "" : printed.error().error.message));

  // cupsd forwarded it as the printer's job 1 (a fresh printer).
  auto spooled = world.device.spool_file(1, 10s);
  REQUIRE(spooled);
  CHECK(read_bytes(*spooled) == encode_escpos_raster(page));
  auto endpoint = ipp_endpoint_from_uri(world.device.uri());
  REQUIRE(endpoint);
  auto session = IppSession::open(*endpoint, 2s);
  REQUIRE(session);
  auto at_printer = (*session)->job_status(1);
  REQUIRE(at_printer);
  CHECK(at_printer->name == "T-20260315-000043");

  // PreserveJobFiles No, PreserveJobHistory No: neither the document nor the job record stays.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!job_files(world.cupsd.request_root()).empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  CHECK(job_files(world.cupsd.request_root()).empty());
}

TEST_CASE("a CUPS queue whose cupsd is gone reads offline and refuses to print") {
  TempDir printer_dir;
  Logger logger{LogLevel::warn};
  CupsQueueOptions options;
  options.queue = "receipts";
  options.socket = (printer_dir.path() / "no-cupsd.sock").string();
  auto printer = CupsQueuePrinter::open(options, Log(logger, "printer"));
  REQUIRE(printer);
  CHECK((*printer)->state() == PrinterState::offline);
  auto refused = (*printer)->print(test_page(), "T-1");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().state == PrinterState::offline);
}
