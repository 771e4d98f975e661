// The whole kiosk against a real IPP printer: the real `shubbak` binary, headless and driven by a
// touch script, serves one citizen in Arabic (the Muscat municipal fees, paid by card) and prints
// the receipt to a real ippeveprinter. What the printer received is decoded back into a page, and
// the real `shubbakctl receipt verify` reads the signed QR seal off it with the kiosk's public key.
// Then the faults: the printer runs out of paper on the citizen's receipt, so the citizen is sent
// to the counter with a reference, nothing is lost, the kiosk goes out of service, and once the
// printer is back the journaled receipt reprints byte for byte what the kiosk first sent.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "drivers/printer/printer_factory.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/session/receipt_desk.hpp"
#include "kiosk/store/receipt_journal.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/escpos_raster_reader.hpp"
#include "tests/support/ipp_test_printer.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/pwg_raster_reader.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_kiosk_id = "MCT-07";

fs::path made(const fs::path& directory) {
  fs::create_directories(directory);
  return directory;
}

// One citizen, in Arabic (the kiosk's default language): the waste collection fee for account
// 12345678, 2.500 OMR, paid on the simulated card terminal. `after_payment` follows the
// payment; the end screen is captured as "done".
std::string fees_script(std::string_view after_payment = "") {
  return fmt::format(
      "tap @start\n"
      "tap @option:muscat.municipality.fees\n"
      "tap @primary\n"
      "tap @option:waste\n"
      "tap @account_number\n"
      "type 12345678\n"
      "tap @key:enter\n"
      "tap @primary\n"
      "tap @primary\n"
      "tap @option:terminal\n"
      "wait 2000\n"
      "shot done\n"
      "{}",
      after_payment);
}

struct KioskRun {
  std::optional<int> exit_code;
  std::string log;
};

// The real runtime with printer.uri pointing at `printer`; every wait bounded, stopped by pid.
KioskRun run_kiosk(const TempDir& dir, const IppTestPrinter& printer, std::string_view format,
                   const std::string& script) {
  auto config = dir.write("kiosk.toml", fmt::format("[kiosk]\nid = \"{}\"\ndata_dir = \"data\"\n"
                                                    "[printer]\nuri = \"{}\"\nformat = \"{}\"\n"
                                                    "job_timeout_seconds = 10\n",
                                                    k_kiosk_id, printer.uri(), format));
  auto script_file = dir.write("script.txt", script);
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script_file.string(), "--out", (dir / "shots").string()},
                     dir.path());
  KioskRun run;
  run.exit_code = kiosk.wait(40s);
  run.log = kiosk.stderr_text();
  return run;
}

// The spooled documents (ippeveprinter keeps each job's document; ".prn" is its own output).
std::vector<fs::path> spooled_jobs(const IppTestPrinter& printer) {
  std::vector<fs::path> jobs;
  for (const auto& entry : fs::directory_iterator(printer.spool_dir())) {
    if (entry.is_regular_file() && entry.path().extension() != ".prn") jobs.push_back(entry.path());
  }
  return jobs;
}

// A printed page as a black-on-white PNG, as a phone's camera would see the paper.
fs::path save_page(const MonoBitmap& page, const fs::path& file) {
  Image image{page.width, page.height, {}};
  image.argb.reserve(static_cast<std::size_t>(page.width) * static_cast<std::size_t>(page.height));
  for (int y = 0; y < page.height; ++y) {
    for (int x = 0; x < page.width; ++x)
      image.argb.push_back(page.black(x, y) ? 0xFF000000u : 0xFFFFFFFFu);
  }
  REQUIRE(save_png(image, file));
  return file;
}

// The real `shubbakctl receipt verify IMAGE --key PEM` on a printed page: the seal is the kiosk's
// and names this transaction and amount.
void verify_printed_receipt(const TempDir& dir, const fs::path& png, const DeviceKey& key,
                            const TransactionRecord& record, const std::string& amount) {
  auto public_pem = dir.write("device-public.pem", key.public_key_pem());
  ChildProcess verify(
      {SHUBBAKCTL_BIN, "receipt", "verify", png.string(), "--key", public_pem.string()},
      dir.path());
  auto code = verify.wait(30s);
  std::string out = verify.stdout_text();
  INFO(out);
  INFO(verify.stderr_text());
  REQUIRE(code == 0);
  CHECK(out.find("transaction: " + record.id + "\n") != std::string::npos);
  CHECK(out.find("service:     muscat.municipality.fees\n") != std::string::npos);
  CHECK(out.find("amount:      " + amount + "\n") != std::string::npos);
  CHECK(out.find(fmt::format("kiosk:       {}\n", k_kiosk_id)) != std::string::npos);
  CHECK(out.ends_with("valid\n"));
}

// The one fees transaction the citizen completed.
TransactionRecord the_fees_transaction(KioskStore& kiosk) {
  auto records = kiosk.transactions();
  REQUIRE(records.size() == 1);
  CHECK(records[0].service_id == "muscat.municipality.fees");
  CHECK(records[0].amount == Money{2500, "OMR"});
  CHECK_FALSE(records[0].payment_reference.empty());
  return records[0];
}

}  // namespace

TEST_CASE(
    "an Arabic citizen's receipt reaches a real IPP printer as ESC/POS raster whose QR seal "
    "verifies") {
  TempDir dir;
  IppTestPrinter printer(made(dir / "printer"));
  auto run = run_kiosk(dir, printer, "escpos", fees_script("tap @primary\n"));
  INFO(run.log);
  REQUIRE(run.exit_code == 0);

  KioskStore kiosk(dir / "data", std::string(k_kiosk_id));
  auto record = the_fees_transaction(kiosk);

  // Exactly one job, named after the receipt, holding nothing but ESC/POS raster for 80 mm paper.
  auto jobs = spooled_jobs(printer);
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].filename().string().starts_with(
      fmt::format("1-receipt-{}-{}", record.id, record.sequence)));
  auto raster = read_escpos_raster(read_bytes(jobs[0]));
  REQUIRE_MESSAGE(raster, (raster ? "" : raster.error().message));
  CHECK(raster->page.width == 576);
  CHECK(raster->page.height > 400);
  CHECK(raster->cut);
  verify_printed_receipt(dir, save_page(raster->page, dir / "printed.png"), *kiosk.key, record,
                         "2.500 OMR");

  // The journal says printed, once, with the printer's word.
  ReceiptJournal journal(*kiosk.store);
  auto receipts = journal.recent(10);
  REQUIRE(receipts);
  REQUIRE(receipts->size() == 1);
  CHECK(receipts->front().transaction_id == record.id);
  CHECK(receipts->front().state == ReceiptState::printed);
  CHECK(receipts->front().attempts == 1);
  CHECK(receipts->front().printer_state == "ok");
  CHECK(run.log.find("not printed") == std::string::npos);
}

TEST_CASE(
    "the same receipt as PWG raster (IPP Everywhere) decodes to a page whose QR seal verifies") {
  TempDir dir;
  IppTestPrinter printer(made(dir / "printer"));
  auto run = run_kiosk(dir, printer, "pwg", fees_script("tap @primary\n"));
  INFO(run.log);
  REQUIRE(run.exit_code == 0);

  KioskStore kiosk(dir / "data", std::string(k_kiosk_id));
  auto record = the_fees_transaction(kiosk);
  auto jobs = spooled_jobs(printer);
  REQUIRE(jobs.size() == 1);
  auto page = read_pwg_raster(jobs[0]);
  REQUIRE_MESSAGE(page, (page ? "" : page.error().message));
  CHECK(page->bitmap.width == 576);
  CHECK(page->bits_per_pixel == 1);
  CHECK(page->x_dpi == 203);
  verify_printed_receipt(dir, save_page(page->bitmap, dir / "printed.png"), *kiosk.key, record,
                         "2.500 OMR");
  ReceiptJournal journal(*kiosk.store);
  auto receipts = journal.recent(10);
  REQUIRE(receipts);
  REQUIRE(receipts->size() == 1);
  CHECK(receipts->front().state == ReceiptState::printed);
}

TEST_CASE(
    "out of paper on a citizen's receipt: counter reference, nothing lost, out of service, exact "
    "reprint") {
  TempDir dir;
  IppTestPrinter printer(made(dir / "printer"));
  printer.set_behaviour(HookBehaviour::media_empty);
  // The citizen's end screen, then back to the shell, which now has no service it can offer.
  auto run =
      run_kiosk(dir, printer, "escpos",
                "shot welcome\n" + fees_script("tap @primary\nwait 500\nshot out-of-service\n"));
  INFO(run.log);
  REQUIRE(run.exit_code == 0);
  CHECK(run.log.find("out of service: out_of_service.printer_empty") != std::string::npos);
  CHECK(run.log.find("not printed (printer media-empty)") != std::string::npos);
  auto welcome = load_png(dir / "shots/welcome.png");
  auto done = load_png(dir / "shots/done.png");
  auto out_of_service = load_png(dir / "shots/out-of-service.png");
  REQUIRE((welcome && done && out_of_service));
  CHECK(out_of_service->width == 1920);
  CHECK(count_differences(*welcome, *out_of_service) > 20000);  // not the welcome screen
  CHECK(count_differences(*done, *out_of_service) > 20000);     // nor the citizen's end screen

  // Nothing lost: the paid transaction is stored, and its receipt waits at the counter under the
  // transaction's sequence number, with the whole document (seal included) journaled.
  KioskStore kiosk(dir / "data", std::string(k_kiosk_id));
  auto record = the_fees_transaction(kiosk);
  ReceiptJournal journal(*kiosk.store);
  auto receipts = journal.recent(10);
  REQUIRE(receipts);
  REQUIRE(receipts->size() == 1);
  const JournaledReceipt waiting = receipts->front();
  CHECK(waiting.transaction_id == record.id);
  CHECK(waiting.state == ReceiptState::collect_at_counter);
  CHECK(waiting.reference == std::to_string(record.sequence));
  CHECK(waiting.printer_state == "media-empty");
  CHECK(waiting.attempts == 1);  // out of paper: no pointless retries
  CHECK(waiting.document.find(record.id) != std::string::npos);

  // The printer took the document before the hook said "no paper": that is what the kiosk sent.
  auto jobs = spooled_jobs(printer);
  REQUIRE(jobs.size() == 1);
  const auto first_sent = read_bytes(jobs[0]);
  REQUIRE(read_escpos_raster(first_sent));
  fs::remove(jobs[0]);

  // Paper loaded and the printer power-cycled (an ippeveprinter keeps saying media-empty until
  // then); the counter reprints the journaled receipt from the same store file.
  printer.set_behaviour(HookBehaviour::succeed);
  printer.restart_printer();
  Config::Printer printer_config;
  printer_config.uri = printer.uri();
  printer_config.format = PrinterFormat::escpos;
  auto ipp = open_receipt_printer(printer_config, dir / "data", Log(kiosk.logger, "printer"));
  REQUIRE_MESSAGE(ipp, (ipp ? "" : ipp.error().message));
  ReceiptDesk desk(journal, **ipp, Config::Text{}, PrintPolicy{1, 0ms},
                   Log(kiosk.logger, "receipts"));
  auto reprinted = desk.reprint(waiting.id, false);
  REQUIRE_MESSAGE(reprinted, (reprinted ? "" : reprinted.error().message));
  INFO(reprinted->error);
  REQUIRE(reprinted->printed);
  CHECK(reprinted->receipt.state == ReceiptState::printed);
  CHECK(reprinted->receipt.reference == waiting.reference);

  auto spooled =
      printer.spool_file(std::stoi(reprinted->job.substr(reprinted->job.rfind('/') + 1)), 2s);
  REQUIRE(spooled);
  CHECK(spooled_jobs(printer).size() == 1);
  const auto second_sent = read_bytes(*spooled);
  CHECK(second_sent == first_sent);  // byte for byte what the citizen's job carried
  auto raster = read_escpos_raster(second_sent);
  REQUIRE(raster);
  CHECK(raster->page.width == 576);
  verify_printed_receipt(dir, save_page(raster->page, dir / "reprinted.png"), *kiosk.key, record,
                         "2.500 OMR");
}
