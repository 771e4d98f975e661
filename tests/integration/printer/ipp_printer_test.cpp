// The IPP backend against a real ippeveprinter: what lands in its spool, how faults come back,
// and what happens when the printer dies mid-job.
#include <doctest/doctest.h>

#include <future>
#include <thread>

#include "drivers/printer/cups/ipp_printer.hpp"
#include "drivers/printer/cups/ipp_session.hpp"
#include "drivers/printer/escpos_encoder.hpp"
#include "kiosk/core/log.hpp"
#include "tests/integration/printer/test_page.hpp"
#include "tests/support/ipp_test_printer.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/pwg_raster_reader.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct PrinterWorld {
  TempDir dir;
  IppTestPrinter device{dir.path()};
  Logger logger{LogLevel::warn};
  std::unique_ptr<IppPrinter> printer;

  explicit PrinterWorld(IppDocumentFormat format = IppDocumentFormat::escpos_raw,
                        std::chrono::milliseconds job_timeout = 10s) {
    IppPrinterOptions options;
    options.uri = device.uri();
    options.format = format;
    options.job_timeout = job_timeout;
    auto opened = IppPrinter::open(options, Log(logger, "printer"));
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().message));
    printer = std::move(*opened);
  }

  // The job-name the printer holds for the job.
  std::string job_name_at_printer(int job_id) {
    auto endpoint = ipp_endpoint_from_uri(device.uri());
    REQUIRE(endpoint);
    auto session = IppSession::open(*endpoint, 2s);
    REQUIRE(session);
    auto status = (*session)->job_status(job_id);
    REQUIRE_MESSAGE(status, (status ? "" : status.error().message));
    return status->name;
  }
};

}  // namespace

TEST_CASE(
    "ESC/POS over IPP: the printer receives the encoder's bytes exactly, under the name given") {
  PrinterWorld world;
  auto page = test_page();
  auto printed = world.printer->print(page, "T-20260315-000042");
  REQUIRE_MESSAGE(printed, (printed ? "" : printed.error().error.message));
  int job = job_id_of(printed->id);
  auto spooled = world.device.spool_file(job, 2s);
  REQUIRE(spooled);
  CHECK(read_bytes(*spooled) == encode_escpos_raster(page));
  CHECK(world.job_name_at_printer(job) == "T-20260315-000042");
}

TEST_CASE("PWG raster over IPP: libcups' reader decodes the spooled page back to the same dots") {
  PrinterWorld world(IppDocumentFormat::pwg_raster);
  auto page = test_page();
  auto printed = world.printer->print(page, "T-PWG-1");
  REQUIRE_MESSAGE(printed, (printed ? "" : printed.error().error.message));
  auto spooled = world.device.spool_file(job_id_of(printed->id), 2s);
  REQUIRE(spooled);
  auto decoded = read_pwg_raster(*spooled);
  REQUIRE_MESSAGE(decoded, (decoded ? "" : decoded.error().message));
  CHECK(decoded->bitmap.width == 576);
  CHECK(decoded->bitmap.height == 1200);
  CHECK(decoded->x_dpi == 203);
  CHECK(decoded->y_dpi == 203);
  CHECK(decoded->bits_per_pixel == 1);
  CHECK(decoded->bitmap.bits == page.bits);
  // Compressed: far fewer bytes than the dots, yet every dot came back.
  CHECK(fs::file_size(*spooled) < page.bits.size());
}

TEST_CASE(
    "paper out and a jam come back as failures with the printer's fault; nothing is sent while it "
    "lasts") {
  PrinterWorld world;
  auto page = test_page();

  world.device.set_behaviour(HookBehaviour::media_empty);
  auto empty = world.printer->print(page, "T-1");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().state == PrinterState::media_empty);
  CHECK(empty.error().error.code == Errc::device);
  CHECK(empty.error().error.message.find("media-empty") != std::string::npos);
  CHECK(world.printer->state() == PrinterState::media_empty);

  // Still out of paper: the next receipt is refused at once and never reaches the printer, so
  // it cannot come out later when nobody waits for it.
  world.device.set_behaviour(HookBehaviour::succeed);
  auto refused = world.printer->print(page, "T-2");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().state == PrinterState::media_empty);
  CHECK_FALSE(world.device.spool_file(2, 200ms));

  // ippeveprinter keeps a fault until a job clears it; a restart stands for the technician.
  world.device.restart_printer();
  world.device.set_behaviour(HookBehaviour::media_jam);
  auto jam = world.printer->print(page, "T-3");
  REQUIRE_FALSE(jam);
  CHECK(jam.error().state == PrinterState::jam);
  CHECK(jam.error().error.message.find("media-jam") != std::string::npos);
  CHECK(world.printer->state() == PrinterState::jam);

  world.device.restart_printer();
  world.device.set_behaviour(HookBehaviour::succeed);
  CHECK(world.printer->state() == PrinterState::ok);
  auto again = world.printer->print(page, "T-4");
  REQUIRE_MESSAGE(again, (again ? "" : again.error().error.message));
}

TEST_CASE("state() reads ok from a running printer and offline once it is gone") {
  PrinterWorld world;
  CHECK(world.printer->state() == PrinterState::ok);
  world.device.kill_printer();
  auto start = std::chrono::steady_clock::now();
  CHECK(world.printer->state() == PrinterState::offline);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE(
    "a printer killed mid-job is offline within the deadline; after it restarts a reprint lands "
    "byte-exact") {
  PrinterWorld world(IppDocumentFormat::escpos_raw, 10s);
  auto page = test_page();
  world.device.set_behaviour(HookBehaviour::hang);
  auto start = std::chrono::steady_clock::now();
  auto pending =
      std::async(std::launch::async, [&] { return world.printer->print(page, "T-KILLED-1"); });
  REQUIRE(world.device.wait_for_job_start(5s));
  world.device.kill_printer();
  REQUIRE(pending.wait_for(8s) == std::future_status::ready);
  auto lost = pending.get();
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  REQUIRE_FALSE(lost);
  CHECK(lost.error().state == PrinterState::offline);
  CHECK(lost.error().error.message.find("lost the printer") != std::string::npos);

  world.device.set_behaviour(HookBehaviour::succeed);
  world.device.restart_printer();
  for (const auto& entry : fs::directory_iterator(world.device.spool_dir()))
    fs::remove(entry.path());
  auto reprinted = world.printer->print(page, "T-KILLED-1");
  REQUIRE_MESSAGE(reprinted, (reprinted ? "" : reprinted.error().error.message));
  auto spooled = world.device.spool_file(job_id_of(reprinted->id), 2s);
  REQUIRE(spooled);
  CHECK(read_bytes(*spooled) == encode_escpos_raster(page));
}

TEST_CASE("a job not done by the deadline is cancelled and reported, not waited on forever") {
  PrinterWorld world(IppDocumentFormat::escpos_raw, 1s);
  world.device.set_behaviour(HookBehaviour::hang);
  auto start = std::chrono::steady_clock::now();
  auto late = world.printer->print(test_page(), "T-SLOW-1");
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(late);
  CHECK(late.error().error.code == Errc::timeout);
  CHECK(late.error().state == PrinterState::offline);
  CHECK(took >= 1s);
  CHECK(took < 4s);
}

TEST_CASE("a job name that could carry citizen data is refused before anything is sent") {
  PrinterWorld world;
  for (const char* name : {"", "Ahmed Al-Balushi", "T-1/../x", "رقم-1"}) {
    auto refused = world.printer->print(test_page(), name);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().error.code == Errc::invalid_argument);
  }
  auto narrow = world.printer->print(test_page(384), "T-1");
  REQUIRE_FALSE(narrow);
  CHECK(narrow.error().error.code == Errc::invalid_argument);
  CHECK(fs::is_empty(world.device.spool_dir()));
}
