// The receipt journal on a real SQLite store and the real file printer: journaled before the
// printer is touched, retried while the printer can print, sent to the counter when it cannot,
// kept across a crash, and reprinted exactly.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "drivers/printer/file_printer.hpp"
#include "kiosk/session/receipt_desk.hpp"
#include "kiosk/store/receipt_journal.hpp"
#include "kiosk/store/sqlite.hpp"
#include "screens/receipt/receipt_document_json.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

ReceiptDocument sample_document() {
  ReceiptDocument d;
  d.language = Language::ar;
  d.issuer = "بلدية مسقط";
  d.title = "إيصال دفع";
  d.lines = {{"نوع الرسوم", "جمع النفايات"}, {"رقم الحساب", "12345678"}};
  d.total_label = "المجموع";
  d.total = "2.500 ر.ع.";
  d.details = {{"الكشك", "MCT-07"}, {"الوقت", "2026-11-21 09:30"}};
  d.footer = "شكراً لك";
  return d;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void set_printer_state(const std::filesystem::path& dir, std::string_view state) {
  if (state.empty()) {
    std::filesystem::remove(dir / "STATE");
    return;
  }
  std::ofstream(dir / "STATE") << state << "\n";
}

std::int64_t count(const std::filesystem::path& db_path, const std::string& sql) {
  auto db = sqlite::Database::open(db_path, SQLITE_OPEN_READWRITE);
  REQUIRE(db);
  auto value = db->query_int(sql);
  REQUIRE_MESSAGE(value, (value ? "" : value.error().message));
  return *value;
}

// Behind the printer interface: checks that the receipt is journaled (pending, in the store's
// file, seen from a connection of its own) at the moment the printer is asked, then prints.
class JournalCheckingPrinter final : public ReceiptPrinter {
 public:
  JournalCheckingPrinter(ReceiptPrinter& inner, std::filesystem::path db)
      : m_inner(inner), m_db(std::move(db)) {}
  int width_dots() const override { return m_inner.width_dots(); }
  PrinterState state() override { return m_inner.state(); }
  PrintResult print(const MonoBitmap& page, const std::string& name) override {
    ++calls;
    // The job is "<kind>-<transaction>-<reference>": the row must be there, pending, already.
    auto db = sqlite::Database::open(m_db, SQLITE_OPEN_READONLY);
    if (db) {
      auto pending = db->query_int(
          "SELECT count(*) FROM receipts WHERE state = 'pending' AND kind || '-' || transaction_id "
          "|| '-' || "
          "reference = '" +
          name + "'");
      journaled_before_print = pending && *pending == 1;
    }
    if (failures_left > 0) {
      --failures_left;
      return std::unexpected(
          PrintFailure{PrinterState::ok, Error{Errc::device, "the USB write timed out"}});
    }
    return m_inner.print(page, name);
  }
  int failures_left = 0;
  int calls = 0;
  bool journaled_before_print = false;

 private:
  ReceiptPrinter& m_inner;
  std::filesystem::path m_db;
};

struct Rig {
  StoreFixture f;
  std::unique_ptr<TransactionStore> store = f.open();
  ReceiptJournal journal{*store};
  std::filesystem::path printer_dir = f.dir() / "printer";
  std::unique_ptr<FilePrinter> printer = *FilePrinter::open(printer_dir, 576);
  JournalCheckingPrinter checking{*printer, f.db_path()};
  ReceiptDesk desk{journal, checking, Config::Text{}, PrintPolicy{3, 5ms},
                   Log(f.logger(), "receipts")};

  std::string commit(int n = 0) {
    auto record = store->commit(sample_draft(n));
    REQUIRE(record);
    return record->id;
  }
};

bool always() {
  return true;
}

}  // namespace

TEST_CASE("a receipt is journaled before the printer is touched, then marked printed") {
  Rig rig;
  std::string tx = rig.commit();
  auto outcome = rig.desk.issue(tx, ReceiptKind::receipt, sample_document(), always);
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().describe()));
  CHECK(rig.checking.journaled_before_print);
  CHECK(outcome->printed);
  CHECK(outcome->receipt.state == ReceiptState::printed);
  CHECK(outcome->receipt.attempts == 1);
  CHECK(outcome->receipt.reference == "1");  // the transaction's sequence number
  CHECK(outcome->receipt.printed_ms.has_value());
  CHECK(std::filesystem::exists(outcome->job));
  // What the journal keeps prints back to the same document.
  auto kept = receipt_document_from_json(outcome->receipt.document);
  REQUIRE(kept);
  CHECK(to_json(*kept) == to_json(sample_document()));

  // A second document of the same transaction (a ticket) gets its own reference.
  auto ticket = rig.desk.issue(tx, ReceiptKind::ticket, sample_document(), always);
  REQUIRE(ticket);
  CHECK(ticket->receipt.reference == "1-2");
  auto next = rig.desk.issue(rig.commit(1), ReceiptKind::receipt, sample_document(), always);
  REQUIRE(next);
  CHECK(next->receipt.reference == "2");
}

TEST_CASE("the journal refuses a card number and an unknown transaction; nothing is printed") {
  Rig rig;
  std::string tx = rig.commit();
  ReceiptDocument card = sample_document();
  card.lines.emplace_back("البطاقة", "4111 1111 1111 1111");
  auto refused = rig.desk.issue(tx, ReceiptKind::receipt, card, always);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_argument);
  CHECK(refused.error().message.find("4111") == std::string::npos);  // the error never repeats it
  auto unknown = rig.desk.issue("0190a0b1-5c2e-7000-8000-000000000000", ReceiptKind::receipt,
                                sample_document(), always);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Errc::not_found);
  CHECK(rig.checking.calls == 0);
  CHECK(count(rig.f.db_path(), "SELECT count(*) FROM receipts") == 0);
  // The transaction's own id is not mistaken for a card number, whatever its digits.
  ReceiptDocument with_id = sample_document();
  with_id.details.emplace_back("رقم الطلب", tx);
  CHECK(rig.desk.issue(tx, ReceiptKind::receipt, with_id, always));
}

TEST_CASE(
    "a printer that can print is retried with a backoff; one that keeps failing sends it to the "
    "counter") {
  Rig rig;
  rig.checking.failures_left = 2;
  auto outcome = rig.desk.issue(rig.commit(), ReceiptKind::receipt, sample_document(), always);
  REQUIRE(outcome);
  CHECK(outcome->printed);
  CHECK(rig.checking.calls == 3);
  CHECK(outcome->receipt.attempts == 3);
  CHECK(outcome->receipt.state == ReceiptState::printed);
  CHECK(outcome->receipt.error.empty());

  rig.checking.failures_left = 10;
  rig.checking.calls = 0;
  auto failing = rig.desk.issue(rig.commit(1), ReceiptKind::receipt, sample_document(), always);
  REQUIRE(failing);
  CHECK_FALSE(failing->printed);
  CHECK(rig.checking.calls == 3);  // printer.attempts, no more
  CHECK(failing->receipt.state == ReceiptState::collect_at_counter);
  CHECK(failing->receipt.attempts == 3);
  CHECK(failing->receipt.error.find("timed out") != std::string::npos);
}

TEST_CASE("paper out: no retry, collect at the counter with the state and error recorded") {
  Rig rig;
  set_printer_state(rig.printer_dir, "media-empty");
  auto outcome = rig.desk.issue(rig.commit(), ReceiptKind::receipt, sample_document(), always);
  REQUIRE(outcome);
  CHECK_FALSE(outcome->printed);
  CHECK(outcome->printer_state == PrinterState::media_empty);
  CHECK(rig.checking.calls == 1);  // an empty printer is not asked again and again
  CHECK(outcome->receipt.state == ReceiptState::collect_at_counter);
  CHECK(outcome->receipt.printer_state == "media-empty");
  CHECK(outcome->receipt.error.find("media-empty") != std::string::npos);
  CHECK(outcome->receipt.attempts == 1);
  auto unprinted = rig.journal.unprinted(10);
  REQUIRE(unprinted);
  REQUIRE(unprinted->size() == 1);
  CHECK(unprinted->front().reference == "1");

  // Paper back: the technician's reprint prints it, byte for byte what a first print makes.
  set_printer_state(rig.printer_dir, "");
  auto again = rig.desk.reprint(outcome->receipt.id, false);
  REQUIRE(again);
  CHECK(again->printed);
  CHECK(again->receipt.state == ReceiptState::printed);
  CHECK(again->receipt.attempts == 2);
  auto normal = FilePrinter::open(rig.f.dir() / "normal", 576);
  REQUIRE(normal);
  auto engine = TextEngine::open(Config::Text{});
  REQUIRE(engine);
  auto page = render_receipt(**engine, sample_document(), 576);
  REQUIRE(page);
  auto first = (*normal)->print(*page, "first");
  REQUIRE(first);
  CHECK(file_bytes(again->job) == file_bytes(first->id));
  CHECK(file_bytes(again->job).size() > 1000);
  CHECK(rig.journal.unprinted(10)->empty());
}

TEST_CASE(
    "a receipt left pending by a crash survives, is listed unprinted, and is never printed by "
    "itself") {
  StoreFixture f;
  std::string receipt_id;
  {
    auto store = f.open();
    auto record = store->commit(sample_draft());
    REQUIRE(record);
    ReceiptJournal journal(*store);
    auto journaled = journal.journal(record->id, ReceiptKind::receipt, to_json(sample_document()));
    REQUIRE(journaled);
    receipt_id = journaled->id;
    // The kiosk dies here, before the printer answers: nothing marks it.
  }
  auto store = f.open();
  ReceiptJournal journal(*store);
  auto found = journal.find(receipt_id);
  REQUIRE(found);
  CHECK(found->state == ReceiptState::pending);
  auto recovered = journal.recover_interrupted();
  REQUIRE(recovered);
  CHECK(*recovered == 1);
  CHECK(*journal.recover_interrupted() == 0);  // once
  auto unprinted = journal.unprinted(10);
  REQUIRE(unprinted);
  REQUIRE(unprinted->size() == 1);
  CHECK(unprinted->front().id == receipt_id);
  CHECK(unprinted->front().state == ReceiptState::failed);
  CHECK(unprinted->front().attempts == 0);
  CHECK(unprinted->front().error.find("interrupted") != std::string::npos);
  CHECK(count(f.db_path(), "SELECT count(*) FROM audit WHERE kind = 'receipt.interrupted'") == 1);
  auto audit = store->verify_audit();
  REQUIRE(audit);
  CHECK_FALSE(audit->broken.has_value());
  auto recent = journal.recent(10);
  REQUIRE(recent);
  CHECK(recent->size() == 1);
}
