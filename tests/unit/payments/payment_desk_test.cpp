// The kiosk's side of payments against the simulated terminal, with the intents in a real
// transaction store: nobody is charged twice, nobody is charged for a transaction the store
// would refuse, no approval is lost, and at the next start the store is read first: a payment
// whose transaction is stored is kept, one without is reversed, one never answered is asked of
// the terminal; every decision is audited and one damaged intent never blocks the others.
#include <doctest/doctest.h>

#include <limits>
#include <map>

#include "drivers/payment/simulated_terminal.hpp"
#include "kiosk/payments/payment_desk.hpp"
#include "kiosk/store/sqlite.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;

namespace {

const Money k_fee{1250, "OMR"};

// A kiosk's payment side over its own store, as main wires it; a new one is a restart.
struct Kiosk {
  Kiosk(const std::filesystem::path& dir, SimulatedTerminal& terminal)
      : kiosk(dir, "MCT-07"),
        journal(*kiosk.store, dir / "payments"),
        desk(terminal, journal, Log(logger, "payments")) {}
  TransactionStore& store() { return *kiosk.store; }

  // The draft the session would store once `reference` is paid.
  static TransactionDraft draft(const std::string& reference, Money amount = k_fee) {
    TransactionDraft d;
    d.service_id = "muscat.municipality.fees";
    d.service_version = "1.0.0";
    d.amount = std::move(amount);
    d.payment_reference = reference;
    d.fields = {{"plot", "A-17"}, {"payment_method", "terminal"}};
    return d;
  }
  Expected<PaymentResult> pay(const std::string& reference) {
    return desk.pay({k_fee, reference}, draft(reference));
  }

  std::string state_of(const std::string& reference) {
    auto found = PaymentIntentTable(store()).find(reference);
    REQUIRE(found);
    return *found ? (*found)->state : std::string("none");
  }
  std::map<std::string, int> audit_kinds() {
    std::map<std::string, int> kinds;
    REQUIRE(store().for_each_audit_entry([&](const AuditEntry& e) { ++kinds[e.kind]; }));
    return kinds;
  }

  Logger logger{LogLevel::error};
  testing::KioskStore kiosk;
  PaymentJournal journal;
  PaymentDesk desk;
};

// Writes a row straight into the database, as damage or an older build would leave it.
void plant_row(const std::filesystem::path& db_path, const std::string& reference,
               std::int64_t minor_units, const std::string& currency, const std::string& status) {
  auto db = sqlite::Database::open(db_path, SQLITE_OPEN_READWRITE);
  REQUIRE(db);
  auto stmt = db->prepare(
      "INSERT INTO payment_intents(reference, minor_units, currency, service_id, status, state, "
      "created_ms, "
      "updated_ms) VALUES (?,?,?,'svc',?,'open',1,1)");
  REQUIRE(stmt);
  REQUIRE(stmt->bind(1, reference).bind(2, minor_units).bind(3, currency).bind(4, status).run());
}

}  // namespace

TEST_CASE(
    "an approved payment is written before the terminal, and settled by the commit of its "
    "transaction") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  std::string reference = PaymentDesk::new_reference("MCT-07");
  CHECK(reference.starts_with("MCT-07-"));
  CHECK(reference != PaymentDesk::new_reference("MCT-07"));
  auto result = kiosk.pay(reference);
  REQUIRE(result);
  CHECK(result->status == PaymentStatus::approved);
  CHECK(result->masked_card == "**** **** **** 4242");
  CHECK(kiosk.state_of(reference) == "open");
  CHECK(kiosk.journal.unresolved()->intents.size() == 1);

  auto record = kiosk.store().commit(Kiosk::draft(reference));
  REQUIRE(record);
  CHECK(kiosk.state_of(reference) == "settled");
  CHECK(*kiosk.journal.transaction_for(reference) == record->id);
  CHECK(kiosk.journal.unresolved()->intents.empty());
  CHECK(kiosk.audit_kinds()["payment.settled"] == 1);
  CHECK(terminal.charges() == 1);
  // Settled: a refund is refused, and the terminal keeps the charge.
  CHECK_FALSE(kiosk.desk.refund(reference));
  CHECK(terminal.charges() == 1);
}

TEST_CASE(
    "the pre-flight refuses a transaction the store would refuse, before the terminal is touched") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  auto refused = [&](TransactionDraft draft) {
    auto paid = kiosk.desk.pay({draft.amount, draft.payment_reference}, draft);
    REQUIRE_FALSE(paid);
    CHECK(kiosk.state_of(draft.payment_reference) == "none");  // no intent: nothing was started
    CHECK(terminal.status(draft.payment_reference)->status ==
          PaymentStatus::unknown);  // never asked
    // The commit refuses the same draft, by the same check.
    auto committed = kiosk.store().commit(draft);
    REQUIRE_FALSE(committed);
    CHECK(committed.error().message == paid.error().message);
    return paid.error();
  };
  auto card = Kiosk::draft("K-card");
  card.fields.emplace_back("remarks",
                           "my card 4111 1111 1111 1111");  // an answer that is a card number
  CHECK(refused(card).message.find("card number") != std::string::npos);
  auto long_id = Kiosk::draft("K-long");
  long_id.service_id = std::string(200, 's');  // over the store's identifier limit
  CHECK(refused(long_id).code == Errc::invalid_argument);
  auto currency = Kiosk::draft("K-cur", Money{1250, "XXY"});
  refused(currency);
  auto field = Kiosk::draft("K-field");
  field.fields.emplace_back("notes", std::string(5000, 'n'));
  refused(field);
  CHECK(terminal.charges() == 0);
}

TEST_CASE("a kiosk whose store cannot take the transaction takes no payment") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  testing::KioskStore seeded(dir.path(), "MCT-07");  // the key and the file
  DeviceKey& key = *seeded.key;
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "MCT-07";
  options.device_key = &key;
  options.min_free_bytes = std::numeric_limits<std::int64_t>::max() / 2;  // more than any disk here
  Logger logger{LogLevel::error};
  seeded.store.reset();
  auto store = TransactionStore::open(options, Log(logger, "store"));
  REQUIRE(store);
  PaymentJournal journal(**store);
  PaymentDesk desk(terminal, journal, Log(logger, "payments"));
  auto paid = desk.pay({k_fee, "K-full"}, Kiosk::draft("K-full"));
  REQUIRE_FALSE(paid);
  CHECK(paid.error().message.starts_with("storage full:"));
  CHECK(terminal.status("K-full")->status == PaymentStatus::unknown);
  CHECK(terminal.charges() == 0);
}

TEST_CASE("declined and cancelled payments charge nothing and are closed at the next start") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  {
    Kiosk kiosk(dir.path(), terminal);
    terminal.set_next(SimulatedTerminal::Next::decline);
    CHECK(kiosk.pay("K-1")->status == PaymentStatus::declined);
    terminal.set_next(SimulatedTerminal::Next::cancel);
    CHECK(kiosk.pay("K-2")->status == PaymentStatus::cancelled);
  }
  CHECK(terminal.charges() == 0);
  Kiosk restarted(dir.path(), terminal);
  auto report = restarted.desk.reconcile();
  CHECK(report.closed == 2);
  CHECK(report.reversed == 0);
  CHECK(restarted.journal.unresolved()->intents.empty());
  CHECK(restarted.audit_kinds()["payment.closed"] == 2);
}

TEST_CASE(
    "an approval whose answer was lost is recovered by asking the terminal, not charged again") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  terminal.set_next(SimulatedTerminal::Next::approve_then_lose_answer);
  auto first = kiosk.pay("K-lost");
  REQUIRE(first);
  CHECK(first->status == PaymentStatus::approved);  // found by reference
  CHECK(terminal.charges() == 1);
  // The same reference again is not a second payment: its intent exists.
  CHECK_FALSE(kiosk.pay("K-lost"));
  CHECK(terminal.charges() == 1);
}

TEST_CASE("a terminal that never answers is a timeout, not an approval") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  terminal.set_next(SimulatedTerminal::Next::time_out);
  auto result = kiosk.pay("K-slow");
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
    REQUIRE(before_the_cut.pay("K-cut")->status == PaymentStatus::approved);
    // ...the power goes: no transaction.
  }
  CHECK(terminal.charges() == 1);
  Kiosk after_restart(dir.path(), terminal);
  auto report = after_restart.desk.reconcile();
  CHECK(report.reversed == 1);
  CHECK(report.failed == 0);
  CHECK(terminal.charges() == 0);  // the citizen got no service, so keeps the money
  CHECK((*terminal.status("K-cut")).status == PaymentStatus::reversed);
  CHECK(after_restart.state_of("K-cut") == "reversed");
  CHECK(after_restart.audit_kinds()["payment.reversed"] == 1);
  // Reconciling again finds nothing to do: never reversed twice.
  auto again = after_restart.desk.reconcile();
  CHECK(again.reversed + again.closed + again.failed + again.settled == 0);
  // A transaction can no longer be stored with the reversed payment.
  CHECK_FALSE(after_restart.store().commit(Kiosk::draft("K-cut")));
}

TEST_CASE("a payment whose transaction is stored is settled at the next start, never reversed") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  std::string transaction;
  {
    // An older build: the intent a JSON file, closed only after the commit; the power went between.
    Kiosk old_build(dir.path(), terminal);
    REQUIRE(terminal.pay({k_fee, "K-stored"})->status == PaymentStatus::approved);
    auto record = old_build.store().commit(Kiosk::draft("K-stored"));
    REQUIRE(record);
    transaction = record->id;
    std::filesystem::create_directories(dir / "payments");
    dir.write(
        "payments/K-stored.json",
        R"({"reference":"K-stored","minor_units":1250,"currency":"OMR","service":"svc","status":"approved",)"
        R"("terminal_reference":"SIM000001"})");
  }
  Kiosk restarted(dir.path(), terminal);
  auto report = restarted.desk.reconcile();
  CHECK(report.imported == 1);
  CHECK(report.settled == 1);
  CHECK(report.reversed == 0);
  CHECK(terminal.charges() == 1);  // the citizen has the service and paid for it
  CHECK(restarted.state_of("K-stored") == "settled");
  CHECK_FALSE(std::filesystem::exists(dir / "payments"));  // moved once, then gone
}

TEST_CASE("an intent sent without an answer is asked of the terminal by its reference") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  {
    Kiosk kiosk(dir.path(), terminal);
    // Written, then the power went: once before the terminal saw it, once after it approved.
    REQUIRE(kiosk.journal.begin({"K-unseen", k_fee, "svc", PaymentStatus::unknown, {}, false}));
    REQUIRE(kiosk.journal.begin({"K-charged", k_fee, "svc", PaymentStatus::unknown, {}, false}));
    REQUIRE(terminal.pay({k_fee, "K-charged"}));
  }
  Kiosk restarted(dir.path(), terminal);
  auto report = restarted.desk.reconcile();
  CHECK(report.closed == 1);
  CHECK(report.reversed == 1);
  CHECK(restarted.state_of("K-unseen") == "closed");
  CHECK(restarted.state_of("K-charged") == "reversed");
  CHECK(terminal.charges() == 0);
}

TEST_CASE("a damaged intent row is reported and audited and never blocks the good ones") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  {
    Kiosk kiosk(dir.path(), terminal);
    REQUIRE(kiosk.pay("K-good-1"));  // approved, then the power went
    terminal.set_next(SimulatedTerminal::Next::decline);
    REQUIRE(kiosk.pay("K-good-2"));
    REQUIRE(
        terminal.pay({k_fee, "K-garbled"}));  // the terminal charged it; its row is damaged below
  }
  plant_row(dir / "journal.db", "../../etc/passwd", 5, "OMR",
            "approved");  // a reference that is no reference
  plant_row(dir / "journal.db", "K-garbled", -7, "???",
            "appr\x01ved");  // a readable reference, nothing else
  Kiosk restarted(dir.path(), terminal);
  auto unresolved = restarted.journal.unresolved();
  REQUIRE(unresolved);
  CHECK(unresolved->intents.size() == 2);
  CHECK(unresolved->damaged.size() == 2);
  auto report = restarted.desk.reconcile();
  CHECK(report.damaged == 2);
  CHECK(report.reversed == 2);  // K-good-1, and K-garbled by its reference
  CHECK(report.closed == 1);    // K-good-2
  CHECK(report.failed == 1);    // the unreadable one, left open for a technician
  CHECK(terminal.charges() == 0);
  CHECK(restarted.state_of("K-garbled") == "reversed");
  CHECK(restarted.state_of("../../etc/passwd") == "open");
  auto kinds = restarted.audit_kinds();
  CHECK(kinds["payment.unresolved"] == 1);
  CHECK(kinds["payment.reversed"] == 2);
  CHECK(kinds["payment.closed"] == 1);
  REQUIRE(restarted.store().verify_audit());
  CHECK_FALSE(restarted.store().verify_audit()->broken);
}

TEST_CASE("a refund claims the payment first: its transaction can no longer be stored") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  Kiosk kiosk(dir.path(), terminal);
  REQUIRE(kiosk.pay("K-left")->status == PaymentStatus::approved);
  REQUIRE(kiosk.desk.refund("K-left"));
  CHECK(terminal.charges() == 0);
  CHECK(kiosk.state_of("K-left") == "reversed");
  auto late = kiosk.store().commit(Kiosk::draft("K-left"));
  REQUIRE_FALSE(late);
  CHECK(late.error().message.find("not open") != std::string::npos);
  // A payment being paid in this run is not touched by a reconciliation running beside it.
  REQUIRE(kiosk.pay("K-live")->status == PaymentStatus::approved);
  auto report = kiosk.desk.reconcile();
  CHECK(report.reversed + report.closed + report.settled + report.failed == 0);
  CHECK(kiosk.store().commit(Kiosk::draft("K-live")));
}

TEST_CASE(
    "old JSON intents are moved into the store once; a damaged file is asked of the terminal") {
  testing::TempDir dir;
  SimulatedTerminal terminal;
  REQUIRE(terminal.pay({k_fee, "K-old-1"}));
  REQUIRE(terminal.pay({k_fee, "K-old-2"}));
  std::filesystem::create_directories(dir / "payments");
  dir.write(
      "payments/K-old-1.json",
      R"({"reference":"K-old-1","minor_units":1250,"currency":"OMR","service":"svc","status":"approved",)"
      R"("terminal_reference":"SIM000001"})");
  dir.write("payments/K-old-2.json", "{not json");
  dir.write("payments/K-old-3.json.tmp", "{\"reference\":");
  Kiosk kiosk(dir.path(), terminal);
  auto report = kiosk.desk.reconcile();
  CHECK(report.imported == 2);
  CHECK(report.reversed == 2);
  CHECK(terminal.charges() == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "payments"));
  CHECK(kiosk.desk.reconcile().imported == 0);
  CHECK_FALSE(kiosk.journal.begin({"../escape", k_fee, "svc", PaymentStatus::unknown, {}, false}));
}
