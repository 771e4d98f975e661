// The citizen's session as a state machine on the real headless UI, with a recording
// SessionServices behind the interface: device work starts on entering a state (never from
// drawing), and a workflow that leads where the table forbids ends the session failed, giving
// back a payment that was not stored.
#include <doctest/doctest.h>

#include <vector>

#include "kiosk/session/workflow_session.hpp"
#include "kiosk/workflow/bundle_reader.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

// Pays by card, then (a mistake the table refuses) asks for an ID card after the payment.
constexpr std::string_view k_card_after_payment = R"json({
  "format": "shubbak.service/1",
  "id": "test.card-after-payment",
  "version": "1.0.0",
  "ministry": "test",
  "category": "certificates",
  "title": { "ar": "خدمة تجريبية", "en": "Test service" },
  "description": { "ar": "خدمة للاختبار", "en": "A service for tests" },
  "requires": ["payment_terminal", "card_reader"],
  "currency": "OMR",
  "fields": [
    { "name": "fee", "type": "money", "label": { "ar": "الرسوم", "en": "Fee" }, "calculate": "money(\"1.500\", \"OMR\")" },
    { "name": "national_id", "type": "national_id", "label": { "ar": "الرقم المدني", "en": "Civil number" } }
  ],
  "steps": [
    { "id": "intro", "kind": "info", "next": "pay", "title": { "ar": "مرحباً", "en": "Welcome" } },
    { "id": "pay", "kind": "payment", "amount": "$fee", "methods": ["terminal"],
      "title": { "ar": "الدفع", "en": "Payment" },
      "outcomes": { "ok": "card", "declined": "failed", "cancelled": "failed", "device_error": "failed", "timeout": "failed" } },
    { "id": "card", "kind": "read_id_card", "profile": "demo-national-id", "fills": { "national_id": "id_number" },
      "title": { "ar": "البطاقة", "en": "Your card" },
      "outcomes": { "ok": "submit", "cancelled": "failed", "device_error": "failed", "timeout": "failed" } },
    { "id": "submit", "kind": "submit", "title": { "ar": "حفظ", "en": "Saving" },
      "outcomes": { "ok": "done", "failed": "failed" } },
    { "id": "done", "kind": "end", "result": "completed", "title": { "ar": "تم", "en": "Done" } },
    { "id": "failed", "kind": "end", "result": "failed", "title": { "ar": "تعذّر", "en": "Failed" } }
  ],
  "start": "intro",
  "record": { "fields": ["national_id"] }
})json";

// Records every call; device answers are held until the test releases them.
class RecordingServices final : public SessionServices {
 public:
  void read_identity(const std::string&, Done<CardIdentity> done) override {
    calls.push_back("read_identity");
    card = std::move(done);
  }
  void scan_code(Done<std::string> done) override {
    calls.push_back("scan_code");
    done(fail(Errc::device, "none"));
  }
  void pay(const PaymentRequest& request, const workflow::TransactionDraft&,
           Done<PaymentResult> done) override {
    calls.push_back("pay");
    reference = request.reference;
    payment = std::move(done);
  }
  std::string payment_reference() override { return "REF-" + std::to_string(++references); }
  void record(const workflow::TransactionDraft&, Done<std::string> done) override {
    calls.push_back("record");
    done(std::string("0190a0b1-5c2e-7abc-8def-0123456789ab"));
  }
  void print_receipt(const workflow::WorkflowEngine&, const std::string&,
                     Done<PrintedDocument> done) override {
    calls.push_back("print_receipt");
    done(fail(Errc::device, "none"));
  }
  void issue_ticket(const std::string&, const std::string&, Done<PrintedDocument> done) override {
    calls.push_back("issue_ticket");
    done(fail(Errc::device, "none"));
  }
  void retry_print(const std::string&, Done<PrintedDocument> done) override {
    done(fail(Errc::device, "none"));
  }
  void refund(const std::string& ref) override { refunds.push_back(ref); }
  void abandon() override { calls.push_back("abandon"); }

  std::vector<std::string> calls;
  std::vector<std::string> refunds;
  std::string reference;
  Done<PaymentResult> payment;
  Done<CardIdentity> card;
  int references = 0;
};

std::shared_ptr<const workflow::Bundle> bundle_from(std::string_view json) {
  std::vector<workflow::BundleError> errors;
  auto bundle = workflow::read_bundle(json, errors);
  std::string problems;
  for (const auto& e : errors) problems += e.path + ": " + e.message + "\n";
  REQUIRE_MESSAGE(bundle.has_value(), problems);
  return std::make_shared<const workflow::Bundle>(std::move(*bundle));
}

}  // namespace

TEST_CASE(
    "a workflow that leads to a device step after payment is refused: session failed, payment "
    "given back") {
  UiHarness h(Language::en);
  Logger logger(LogLevel::error);
  RecordingServices services;
  std::optional<workflow::EndResult> ended;
  WorkflowSession session(h.ui(), h.app(), services, bundle_from(k_card_after_payment),
                          CivilDate{2026, 12, 4}, {}, Log(logger, "session"),
                          [&](workflow::EndResult r) { ended = r; });
  session.start();
  h.settle();
  CHECK(session.state() == SessionState::asking);
  CHECK(services.calls.empty());  // drawing the first screen starts nothing

  // Redrawing the screen many times never starts device work.
  for (int i = 0; i < 5; ++i) h.screenshot();
  CHECK(services.calls.empty());

  h.tap("primary");
  h.settle();
  CHECK(session.state() == SessionState::paying);
  REQUIRE(services.calls == std::vector<std::string>{"pay"});  // entering `paying` asked once
  for (int i = 0; i < 3; ++i) h.screenshot();
  CHECK(services.calls.size() == 1);

  // The terminal approves; the workflow then asks for an ID card, which the table forbids.
  services.payment(PaymentResult{PaymentStatus::approved, "SIM000001", "**** **** **** 4242"});
  REQUIRE(h.run_until([&] { return ended.has_value(); }, 3s));
  CHECK(*ended == workflow::EndResult::failed);
  CHECK(session.state() == SessionState::wiped);
  CHECK(services.refunds == std::vector<std::string>{services.reference});
  CHECK(std::find(services.calls.begin(), services.calls.end(), "read_identity") ==
        services.calls.end());
  CHECK(std::find(services.calls.begin(), services.calls.end(), "record") == services.calls.end());
}

TEST_CASE("a session cannot be wiped while the terminal has not answered") {
  UiHarness h(Language::en);
  Logger logger(LogLevel::error);
  RecordingServices services;
  std::optional<workflow::EndResult> ended;
  WorkflowSession::Options options;
  options.idle_seconds = 1;
  options.warning_seconds = 1;
  WorkflowSession session(h.ui(), h.app(), services, bundle_from(k_card_after_payment),
                          CivilDate{2026, 12, 4}, options, Log(logger, "session"),
                          [&](workflow::EndResult r) { ended = r; });
  session.start();
  h.settle();
  h.tap("primary");
  h.settle();
  REQUIRE(session.state() == SessionState::paying);
  // Longer than the idle time and its warning: a session waiting for money never times out.
  CHECK_FALSE(h.run_until([&] { return ended.has_value(); }, 3s));
  CHECK(session.state() == SessionState::paying);
  CHECK(services.refunds.empty());

  services.payment(PaymentResult{PaymentStatus::declined, "", ""});
  REQUIRE(h.run_until([&] { return session.state() == SessionState::ended; }, 3s));
  CHECK(services.refunds.empty());  // declined: nothing was taken
}
