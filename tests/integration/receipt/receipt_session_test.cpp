// A citizen's session when the printer lets them down, on the real headless UI with the real
// store and the real file printer: the end screen says in Arabic why, that the transaction is
// saved and where to collect the receipt with its reference; "try printing again" prints it once
// the paper is back. A citizen who walks away leaves their queued print for the counter, and the
// technician's API lists and reprints it.
#include <doctest/doctest.h>

#include <fstream>
#include <future>
#include <iterator>

#include "drivers/printer/file_printer.hpp"
#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/workflow_session.hpp"
#include "kiosk/store/receipt_journal.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/workflow/bundle_reader.hpp"
#include "screens/receipt/receipt_document_json.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/integration/store/store_fixture.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

// The smallest service that prints: an introduction, submit, print, the end screen.
constexpr std::string_view k_bundle = R"json({
  "format": "shubbak.service/1",
  "id": "test.receipt",
  "version": "1.0.0",
  "ministry": "test",
  "category": "certificates",
  "title": { "ar": "شهادة تجريبية", "en": "Test certificate" },
  "description": { "ar": "خدمة للاختبار", "en": "A service for tests" },
  "requires": ["printer"],
  "fields": [],
  "steps": [
    { "id": "intro", "kind": "info", "next": "submit",
      "title": { "ar": "طلب شهادة", "en": "Request a certificate" } },
    { "id": "submit", "kind": "submit", "title": { "ar": "جارٍ الإرسال", "en": "Sending" },
      "outcomes": { "ok": "print", "failed": "failed" } },
    { "id": "print", "kind": "print_receipt", "title": { "ar": "جارٍ طباعة الإيصال", "en": "Printing your receipt" },
      "outcomes": { "ok": "done", "cancelled": "done", "device_error": "done", "timeout": "done" } },
    { "id": "done", "kind": "end", "result": "completed",
      "title": { "ar": "تم تقديم طلبك", "en": "Your request is in" },
      "body": { "ar": "احتفظ بالإيصال.", "en": "Keep your receipt." } },
    { "id": "failed", "kind": "end", "result": "failed",
      "title": { "ar": "تعذّر تقديم الطلب", "en": "The request could not be made" } }
  ],
  "start": "intro",
  "record": { "fields": [] },
  "receipt": {
    "title": { "ar": "طلب شهادة", "en": "Certificate request" },
    "lines": []
  }
})json";

std::shared_ptr<const workflow::Bundle> test_bundle() {
  std::vector<workflow::BundleError> errors;
  auto bundle = workflow::read_bundle(k_bundle, errors);
  std::string problems;
  for (const auto& e : errors) problems += e.path + ": " + e.message + "\n";
  REQUIRE_MESSAGE(bundle.has_value(), problems);
  REQUIRE_MESSAGE(errors.empty(), problems);
  return std::make_shared<const workflow::Bundle>(std::move(*bundle));
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::int64_t count(const std::filesystem::path& db_path, const std::string& sql) {
  auto db = sqlite::Database::open(db_path, SQLITE_OPEN_READONLY);
  REQUIRE(db);
  auto value = db->query_int(sql);
  REQUIRE_MESSAGE(value, (value ? "" : value.error().message));
  return *value;
}

const StepView& shown(UiHarness& h) {
  const auto* screen = dynamic_cast<const StepScreen*>(h.app().screen());
  REQUIRE(screen != nullptr);
  return screen->view();
}

bool offers_print_again(const StepView& view) {
  for (const auto& o : view.options) {
    if (o.id == "print-again") return true;
  }
  return false;
}

// The kiosk's real services over a real store and the file printer, with the audit trail and
// the heartbeat's health board.
struct Kiosk {
  explicit Kiosk(UiHarness& h)
      : services(h.ui(), h.loop(), lanes,
                 {nullptr,
                  nullptr,
                  store.get(),
                  printer.get(),
                  Config::Text{},
                  {},
                  false,
                  &audit,
                  &health,
                  PrintPolicy{3, 5ms},
                  nullptr,
                  {}},
                 "MCT-07", Log(f.logger(), "services")) {}

  void set_printer_state(std::string_view state) {
    if (state.empty()) {
      std::filesystem::remove(printer_dir / "STATE");
    } else {
      std::ofstream(printer_dir / "STATE") << state << "\n";
    }
  }
  std::string health_of(const std::string& device) {
    for (const auto& [name, state] : health.heartbeat()) {
      if (name == device) return state;
    }
    return "<none>";
  }

  StoreFixture f;
  std::unique_ptr<TransactionStore> store = f.open();
  std::filesystem::path printer_dir = f.dir() / "printer";
  std::unique_ptr<FilePrinter> printer = *FilePrinter::open(printer_dir, 576);
  DeviceLanes lanes;
  AuditTrail audit{store.get(), lanes.store, Log(f.logger(), "audit")};
  DeviceHub health;
  KioskServices services;
};

// Prints the receipt of `engine`'s service for a freshly committed transaction on a kiosk shown
// in `h`'s language; the document the receipt journal kept (what a reprint prints).
std::string kept_receipt(const workflow::WorkflowEngine& engine, UiHarness& h) {
  Kiosk kiosk(h);
  auto record = kiosk.store->commit(sample_draft());
  REQUIRE(record);
  std::optional<Expected<PrintedDocument>> printed;
  kiosk.services.print_receipt(engine, record->id,
                               [&](Expected<PrintedDocument> r) { printed = std::move(r); });
  REQUIRE(h.run_until([&] { return printed.has_value(); }, 10s));
  REQUIRE(printed->has_value());
  auto row = ReceiptJournal(*kiosk.store).find((*printed)->receipt_id);
  REQUIRE(row);
  return row->document;
}

}  // namespace

TEST_CASE(
    "paper out: the citizen reads in Arabic to collect the receipt at the counter, and 'try again' "
    "prints it") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h);
  kiosk.set_printer_state("media-empty");
  std::optional<workflow::EndResult> ended;
  WorkflowSession session(h.ui(), h.app(), kiosk.services, test_bundle(), CivilDate{2026, 11, 21},
                          {60, 20, 300}, Log(kiosk.f.logger(), "session"),
                          [&](workflow::EndResult r) { ended = r; });
  session.start();
  h.settle();
  h.tap("primary");  // past the introduction: submit, print, end
  REQUIRE(h.run_until(
      [&] { return session.engine().finished() && session.uncollected().has_value(); }, 10s));
  h.settle();

  // The journal: kept for the counter, with the printer's state and error, reference = sequence.
  ReceiptJournal journal(*kiosk.store);
  auto unprinted = journal.unprinted(10);
  REQUIRE(unprinted);
  REQUIRE(unprinted->size() == 1);
  const JournaledReceipt& row = unprinted->front();
  CHECK(row.state == ReceiptState::collect_at_counter);
  CHECK(row.transaction_id == session.transaction_id());
  CHECK(row.reference == "1");
  CHECK(row.printer_state == "media-empty");
  CHECK(row.error.find("media-empty") != std::string::npos);
  CHECK(session.uncollected()->counter_reference == "1");
  // The heartbeat says what the printer said; the fault and the counter are audited.
  CHECK(kiosk.health_of("printer") == "media-empty");
  REQUIRE(h.run_until(
      [&] {
        return count(kiosk.f.db_path(),
                     "SELECT count(*) FROM audit WHERE kind = 'device.fault' AND "
                     "detail LIKE '%media-empty%'") == 1 &&
               count(kiosk.f.db_path(),
                     "SELECT count(*) FROM audit WHERE kind = 'receipt.collect_at_counter'") == 1;
      },
      5s));

  // The screen: why, that the transaction is saved, where to go with which reference, in
  // Arabic; the raw error never shows; a button to try again.
  const StepView& view = shown(h);
  CAPTURE(view.body);
  CHECK(view.body.find("نفد الورق من الطابعة.") != std::string::npos);
  CHECK(view.body.find("حُفظت معاملتك. استلم إيصالك من مكتب الخدمة بالرقم المرجعي 1.") !=
        std::string::npos);
  CHECK(view.body.find("printer is") == std::string::npos);
  CHECK(view.body.find("media-empty") == std::string::npos);
  CHECK(view.body.find("احتفظ بالإيصال") == std::string::npos);  // not "keep your receipt" now
  CHECK(offers_print_again(view));
  REQUIRE(h.app().screen()->find_element("option:print-again").has_value());
  auto shot = h.screenshot();
  REQUIRE(save_png(
      shot, std::filesystem::path(SHUBBAK_BINARY_DIR) / "receipt-collect-at-counter-ar.png"));

  // Paper back: "try again" within the session prints it.
  kiosk.set_printer_state("");
  h.tap("option:print-again");
  REQUIRE(h.run_until([&] { return !session.uncollected().has_value(); }, 10s));
  h.settle();
  CHECK(shown(h).body.find("احتفظ بالإيصال.") != std::string::npos);
  CHECK_FALSE(offers_print_again(shown(h)));
  auto found = journal.find(row.id);
  REQUIRE(found);
  CHECK(found->state == ReceiptState::printed);
  CHECK(found->attempts == 2);
  CHECK(kiosk.health_of("printer") == "online");

  // Byte for byte what a normal print of the same receipt gives.
  auto printed = kiosk.printer_dir / ("receipt-" + session.transaction_id() + "-1.png");
  REQUIRE(std::filesystem::exists(printed));
  auto document = receipt_document_from_json(found->document);
  REQUIRE(document);
  CHECK(document->language == Language::ar);
  auto engine = TextEngine::open(Config::Text{});
  REQUIRE(engine);
  auto page = render_receipt(**engine, *document, 576);
  REQUIRE(page);
  auto normal = FilePrinter::open(kiosk.f.dir() / "normal", 576);
  REQUIRE(normal);
  auto first = (*normal)->print(*page, "normal");
  REQUIRE(first);
  CHECK(file_bytes(printed) == file_bytes(first->id));

  h.tap("primary");  // finish
  REQUIRE(h.run_until([&] { return ended.has_value(); }, 3s));
  CHECK(*ended == workflow::EndResult::completed);
}

TEST_CASE(
    "a print queued for a citizen who walked away is not sent later; the technician reprints it") {
  UiHarness h(Language::en);
  Kiosk kiosk(h);
  auto record = kiosk.store->commit(sample_draft());
  REQUIRE(record);

  // The printer's lane busy, so the ticket waits in the queue when the citizen leaves.
  std::promise<void> release;
  std::shared_future<void> go = release.get_future().share();
  REQUIRE(kiosk.lanes.printer.submit([go] { go.wait_for(10s); }));
  std::optional<Expected<PrintedDocument>> ticket;
  kiosk.services.issue_ticket("a", record->id,
                              [&](Expected<PrintedDocument> r) { ticket = std::move(r); });
  kiosk.services.abandon();
  release.set_value();
  REQUIRE(h.run_until([&] { return ticket.has_value(); }, 10s));
  REQUIRE(ticket->has_value());
  CHECK_FALSE((*ticket)->printed);
  CHECK((*ticket)->ticket == "A-001");
  CHECK((*ticket)->printer_state.empty());  // the printer was never asked
  CHECK(std::filesystem::is_empty(kiosk.printer_dir));

  std::optional<Expected<std::vector<JournaledReceipt>>> listed;
  kiosk.services.unprinted_receipts(10, [&](auto r) { listed = std::move(r); });
  REQUIRE(h.run_until([&] { return listed.has_value(); }, 5s));
  REQUIRE(listed->has_value());
  REQUIRE((*listed)->size() == 1);
  const JournaledReceipt row = (*listed)->front();
  CHECK(row.kind == ReceiptKind::ticket);
  CHECK(row.state == ReceiptState::collect_at_counter);
  CHECK(row.attempts == 0);

  std::optional<Expected<PrintedDocument>> reprinted;
  kiosk.services.reprint_receipt(row.id, [&](auto r) { reprinted = std::move(r); });
  REQUIRE(h.run_until([&] { return reprinted.has_value(); }, 10s));
  REQUIRE(reprinted->has_value());
  CHECK((*reprinted)->printed);
  CHECK(std::filesystem::exists((*reprinted)->path_or_job));
  auto after = ReceiptJournal(*kiosk.store).find(row.id);
  REQUIRE(after);
  CHECK(after->state == ReceiptState::printed);
  REQUIRE(h.run_until(
      [&] {
        return count(kiosk.f.db_path(),
                     "SELECT count(*) FROM audit WHERE kind = 'receipt.reprint'") == 1;
      },
      5s));
}

namespace {

// Behind the session's interface: a fixed transaction id and printer answer, so the end screen is
// the same pixels on every run (the real services' ids are random).
class PaperOutServices final : public SessionServices {
 public:
  void read_identity(const std::string&, Done<CardIdentity> done) override {
    done(fail(Errc::device, "none"));
  }
  void scan_code(Done<std::string> done) override { done(fail(Errc::device, "none")); }
  void pay(const PaymentRequest&, const workflow::TransactionDraft&,
           Done<PaymentResult> done) override {
    done(fail(Errc::device, "none"));
  }
  std::string payment_reference() override { return "REF-1"; }
  void record(const workflow::TransactionDraft&, Done<std::string> done) override {
    done(std::string("0190a0b1-5c2e-7abc-8def-0123456789ab"));
  }
  void print_receipt(const workflow::WorkflowEngine&, const std::string& transaction_id,
                     Done<PrintedDocument> done) override {
    PrintedDocument d;
    d.transaction_id = transaction_id;
    d.receipt_id = "r-1";
    d.counter_reference = "1042";
    d.printed = false;
    d.printer_state = "media-empty";
    done(d);
  }
  void issue_ticket(const std::string&, const std::string&, Done<PrintedDocument> done) override {
    done(fail(Errc::device, "none"));
  }
  void retry_print(const std::string&, Done<PrintedDocument> done) override {
    done(fail(Errc::device, "none"));
  }
  void refund(const std::string&) override {}
  void abandon() override {}
};

}  // namespace

TEST_CASE("golden: the Arabic end screen that sends the citizen to the counter") {
  UiHarness h(Language::ar);
  Logger logger(LogLevel::error);
  PaperOutServices services;
  WorkflowSession session(h.ui(), h.app(), services, test_bundle(), CivilDate{2026, 11, 21},
                          {60, 20, 300}, Log(logger, "session"), [](workflow::EndResult) {});
  session.start();
  h.settle();
  h.tap("primary");
  REQUIRE(h.run_until([&] { return session.engine().finished(); }, 3s));
  h.settle();
  CHECK(shown(h).body.find("بالرقم المرجعي 1042") != std::string::npos);
  auto shot = h.screenshot();
  std::string mismatch = compare_with_golden(shot, "receipt_collect_at_counter_ar");
  CHECK_MESSAGE(mismatch.empty(), mismatch);
}

TEST_CASE(
    "a receipt fills its {field} placeholders as the screen does, in the citizen's language") {
  // The smallest printing service with a choice: its title, a line's label and the footer name
  // the answer; FORMAT.md's `{{ }}` stay literal braces.
  std::string json(k_bundle);
  auto replace = [&](std::string_view from, std::string_view to) {
    auto at = json.find(from);
    REQUIRE(at != std::string::npos);
    json.replace(at, from.size(), to);
  };
  replace(R"("fields": [],)", R"("fields": [{ "name": "office", "type": "choice",
      "label": { "ar": "المكتب", "en": "Office" },
      "choices": [ { "value": "mct", "label": { "ar": "مسقط", "en": "Muscat" } },
                   { "value": "soh", "label": { "ar": "صحار", "en": "Sohar" } } ] }],)");
  replace(R"("title": { "ar": "طلب شهادة", "en": "Certificate request" },
    "lines": [])",
          R"("title": { "ar": "طلب في {office}", "en": "Request at {office}" },
    "lines": [ { "label": { "ar": "مكتب {office}", "en": "Office {{{office}}}" },
                 "value": "$office" } ],
    "footer": { "ar": "استلم من {office}", "en": "Collect in {office}" })");
  std::vector<workflow::BundleError> errors;
  auto bundle = workflow::read_bundle(json, errors);
  std::string problems;
  for (const auto& e : errors) problems += e.path + ": " + e.message + "\n";
  REQUIRE_MESSAGE(bundle.has_value(), problems);
  REQUIRE_MESSAGE(errors.empty(), problems);
  workflow::WorkflowEngine engine(std::make_shared<const workflow::Bundle>(std::move(*bundle)),
                                  CivilDate{2026, 11, 21});
  REQUIRE_FALSE(engine.set_answer("office", "soh").has_value());

  for (Language language : {Language::en, Language::ar}) {
    CAPTURE(language);
    UiHarness h(language);
    auto document = receipt_document_from_json(kept_receipt(engine, h));
    REQUIRE(document);
    REQUIRE(document->lines.size() == 1);
    if (language == Language::en) {
      CHECK(document->title == "Request at Sohar");
      CHECK(document->lines[0].first == "Office {Sohar}");
      CHECK(document->lines[0].second == "Sohar");
      CHECK(document->footer == "Collect in Sohar");
    } else {
      CHECK(document->title == "طلب في صحار");
      CHECK(document->lines[0].first == "مكتب صحار");
      CHECK(document->lines[0].second == "صحار");
      CHECK(document->footer == "استلم من صحار");
    }
  }
}

TEST_CASE(
    "a card payment's receipt shows the terminal's reference and the card's last four "
    "digits, never more, whatever the terminal returned") {
  // The municipal fees up to their payment, paid at a terminal that answers with the whole card
  // number: the receipt journal (and so the paper) keeps only its last four digits.
  std::vector<workflow::BundleError> errors;
  auto bundle = workflow::read_bundle(file_bytes(std::filesystem::path(SHUBBAK_ASSETS_DIR) /
                                                 "services/muscat.municipality.fees.json"),
                                      errors);
  REQUIRE(bundle.has_value());
  workflow::WorkflowEngine engine(std::make_shared<const workflow::Bundle>(std::move(*bundle)),
                                  CivilDate{2026, 11, 21});
  engine.next();  // the introduction
  REQUIRE(engine.choose("waste"));
  REQUIRE_FALSE(engine.set_answer("account_number", "12345678").has_value());
  REQUIRE(engine.next().empty());  // the details
  REQUIRE(engine.next().empty());  // the review
  REQUIRE(engine.step().id == "pay");
  engine.device_finished(workflow::Outcome::ok, {{"method", "terminal"},
                                                 {"reference", "TRM-000417"},
                                                 {"masked_card", "4111 1111 1111 1234"}});
  REQUIRE(engine.payment().has_value());

  for (Language language : {Language::en, Language::ta}) {
    CAPTURE(language);
    UiHarness h(language);
    const std::string kept = kept_receipt(engine, h);
    CHECK(kept.find("4111") == std::string::npos);  // nowhere in what is kept
    auto document = receipt_document_from_json(kept);
    REQUIRE(document);
    auto line = [&](std::string_view key) -> std::string {
      for (const auto& [label, value] : document->lines) {
        if (label == h.ui().message(key)) return value;
      }
      return "<none>";
    };
    CHECK(line("receipt.terminal_reference") == "TRM-000417");
    CHECK(line("receipt.card") == "**** 1234");
  }
}
