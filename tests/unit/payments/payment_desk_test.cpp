// The kiosk's side of payments against the simulated terminal, with the journal in a real
// directory: nobody is charged twice, no approval is lost, and a session that died after an
// approval is reconciled by reference on the next start.
#include <doctest/doctest.h>

#include "drivers/payment/simulated_terminal.hpp"
#include "kiosk/payments/payment_desk.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;

namespace {
struct Kiosk {
  explicit Kiosk(const std::filesystem::path& dir, SimulatedTerminal& terminal)
      : journal(*PaymentJournal::open(dir / "payments")),
        desk(terminal, journal, Log(logger, "payments")) {}
  Logger logger{LogLevel::error};
  PaymentJournal journal;
  PaymentDesk desk;
};
const Money k_fee{1250, "OMR"};
}  // namespace

TEST_CASE("an approved payment is journaled, then settled with its transaction") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  std::string reference = PaymentDesk::new_reference("MCT-07");
  CHECK(reference.starts_with("MCT-07-"));
  CHECK(reference != PaymentDesk::new_reference("MCT-07"));
  auto result = kiosk.desk.pay({k_fee, reference}, "muscat.municipality.fees");
  REQUIRE(result);
  CHECK(result->status == PaymentStatus::approved);
  CHECK(result->masked_card == "**** **** **** 4242");
  CHECK(kiosk.journal.open_intents()->size() == 1);
  REQUIRE(kiosk.desk.settle(reference));
  CHECK(kiosk.journal.open_intents()->empty());
  CHECK(terminal.charges() == 1);
}

TEST_CASE("declined and cancelled payments charge nothing and are closed at the next start") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  terminal.set_next(SimulatedTerminal::Next::decline);
  CHECK(kiosk.desk.pay({k_fee, "K-1"}, "svc")->status == PaymentStatus::declined);
  terminal.set_next(SimulatedTerminal::Next::cancel);
  CHECK(kiosk.desk.pay({k_fee, "K-2"}, "svc")->status == PaymentStatus::cancelled);
  CHECK(terminal.charges() == 0);
  auto report = kiosk.desk.reconcile();
  CHECK(report.closed == 2);
  CHECK(report.reversed == 0);
  CHECK(kiosk.journal.open_intents()->empty());
}

TEST_CASE(
    "an approval whose answer was lost is recovered by asking the terminal, not charged again") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  terminal.set_next(SimulatedTerminal::Next::approve_then_lose_answer);
  auto first = kiosk.desk.pay({k_fee, "K-lost"}, "svc");
  REQUIRE(first);
  CHECK(first->status == PaymentStatus::approved);        // found by reference
  auto again = kiosk.desk.pay({k_fee, "K-lost"}, "svc");  // a retry with the same reference
  REQUIRE(again);
  CHECK(again->terminal_reference == first->terminal_reference);
  CHECK(terminal.charges() == 1);
}

TEST_CASE("a terminal that never answers is a timeout, not an approval") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  terminal.set_next(SimulatedTerminal::Next::time_out);
  auto result = kiosk.desk.pay({k_fee, "K-slow"}, "svc");
  REQUIRE(result);
  CHECK(result->status == PaymentStatus::timeout);
  CHECK(terminal.charges() == 0);
}

TEST_CASE(
    "after a power cut between approval and transaction, the next start reverses the payment") {
  testing::TempDir dir;
  SimulatedTerminal terminal;  // outlives the kiosk, as a real terminal does
  {
    Kiosk before_the_cut(dir.path(), terminal);
    REQUIRE(before_the_cut.desk.pay({k_fee, "K-cut"}, "svc")->status == PaymentStatus::approved);
    // ...the power goes: no settle, no transaction.
  }
  CHECK(terminal.charges() == 1);
  Kiosk after_restart(dir.path(), terminal);
  auto report = after_restart.desk.reconcile();
  CHECK(report.reversed == 1);
  CHECK(report.failed == 0);
  CHECK(terminal.charges() == 0);  // the citizen got no service, so keeps the money
  CHECK((*terminal.status("K-cut")).status == PaymentStatus::reversed);
  CHECK(after_restart.journal.open_intents()->empty());
  // Reconciling again finds nothing to do: never reversed twice.
  auto again = after_restart.desk.reconcile();
  CHECK(again.reversed + again.closed + again.failed == 0);
}

TEST_CASE("a half-written journal entry is ignored; a damaged one is reported, not guessed at") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  dir.write("payments/K-9.json.tmp", "{\"reference\":");
  CHECK(kiosk.journal.open_intents()->empty());
  dir.write("payments/K-8.json", "{not json");
  auto intents = kiosk.journal.open_intents();
  REQUIRE_FALSE(intents);
  CHECK(intents.error().code == Errc::integrity);
  CHECK(
      kiosk.journal.record({"../escape", k_fee, "svc", PaymentStatus::unknown, {}}).error().code ==
      Errc::invalid_argument);
}
