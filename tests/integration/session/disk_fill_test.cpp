// A disk that fills while citizens are served, and is freed again, on the real headless kiosk:
// the shell, the sessions, the real store (its "disk" the database's page budget, SQLite's
// max_page_count), the payment desk on the simulated terminal and the file printer. Citizens
// pay the municipal fee by card, one after another, while the store fills. Once it cannot take
// another transaction no payment is taken: the kiosk goes out of service before the next
// citizen begins, with the reason on screen, and comes back by itself once room returns.
#include <doctest/doctest.h>

#include <atomic>

#include "drivers/payment/simulated_terminal.hpp"
#include "drivers/printer/file_printer.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/payments/payment_desk.hpp"
#include "kiosk/session/device_lanes.hpp"
#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "kiosk/session/store_watch.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::TempDir;
using testing::UiHarness;

namespace {

const std::filesystem::path k_services =
    std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services";

struct Kiosk {
  explicit Kiosk(UiHarness& h) {
    key = std::move(*DeviceKey::load_or_create(dir / "device-key.pem"));
    TransactionStore::Options options;
    options.path = dir / "journal.db";
    options.kiosk_id = "K-1";
    options.device_key = key.get();
    options.max_page_count = 96;         // a 384 KiB "disk"
    options.min_free_bytes = 64 * 1024;  // the reserve for what is in flight
    options.wall_clock_ms = [this] { return wall_ms.load(); };
    store = std::move(*TransactionStore::open(options, Log(logger, "store")));
    printer = std::move(*FilePrinter::open(dir / "receipts", 576));
    REQUIRE(terminal.open());  // as main opens it
    journal = std::make_unique<PaymentJournal>(*store);
    desk = std::make_unique<PaymentDesk>(terminal, *journal, Log(logger, "payments"));
    KioskServices::Devices devices;
    devices.store = store.get();
    devices.payments = desk.get();
    devices.printer = printer.get();
    devices.hub = &health;
    services = std::make_unique<KioskServices>(h.ui(), h.loop(), lanes, devices, "K-1",
                                               Log(logger, "services"));
    for (auto device : {DeviceId::printer, DeviceId::card_reader, DeviceId::payment_terminal,
                        DeviceId::scanner, DeviceId::store}) {
      health.set_status(device, DeviceStatus::online);
    }
    watch = std::make_unique<StoreWatch>(h.loop(), lanes.store.executor(), store.get(), health,
                                         50ms, Log(logger, "store"));
    KioskShell::Options shell_options;
    shell_options.welcome = {"K-1", "0.1.0"};
    shell_options.check_store = [this](std::function<void(bool)> done) {
      watch->check(std::move(done));
    };
    shell = std::make_unique<KioskShell>(
        h.ui(), h.app(), *services, health, workflow::load_catalog(k_services),
        [] {
          return CivilDate{2026, 11, 21};
        },
        shell_options, Log(logger, "shell"));
    shell->on_session_end([this](workflow::EndResult r) { ended = r; });
    watch->start();
  }
  ~Kiosk() { lanes.shutdown(); }

  // Another writer on the same "disk" between citizens: a few kilobytes at a time.
  void other_data(int count) {
    TransactionDraft filler;
    filler.service_id = "filler";
    filler.service_version = "1";
    filler.fields = {{"remarks", std::string(3000, 'x')}};
    for (int i = 0; i < count; ++i) {
      if (!store->commit(filler)) return;  // full: the kiosk must notice by itself
    }
  }

  // Transactions in the store paid at the terminal.
  std::int64_t paid_transactions() {
    std::int64_t paid = 0;
    auto batch = store->next_batch(1000);
    REQUIRE(batch);
    for (const auto& item : *batch) {
      auto record = parse_record(item.record);
      REQUIRE(record);
      for (const auto& [name, value] : record->fields)
        paid += name == "payment_method" && value == "terminal";
    }
    return paid;
  }

  TempDir dir;
  Logger logger{LogLevel::error};
  std::atomic<std::int64_t> wall_ms{1'790'000'000'000};
  DeviceLanes lanes;
  DeviceHub health;
  std::unique_ptr<DeviceKey> key;
  std::unique_ptr<TransactionStore> store;
  std::unique_ptr<FilePrinter> printer;
  SimulatedTerminal terminal;
  std::unique_ptr<PaymentJournal> journal;
  std::unique_ptr<PaymentDesk> desk;
  std::unique_ptr<KioskServices> services;
  std::unique_ptr<StoreWatch> watch;
  std::unique_ptr<KioskShell> shell;
  std::optional<workflow::EndResult> ended;
};

}  // namespace

namespace {

// One citizen pays the municipal fee by card, through the screens. False when the kiosk did not
// let them begin.
bool serve_citizen(UiHarness& h, Kiosk& kiosk) {
  kiosk.ended.reset();
  kiosk.shell->start_service("muscat.municipality.fees");
  // The store is checked on its lane first; the session starts (or not) when it answers.
  REQUIRE(h.run_until([&] { return !kiosk.shell->starting(); }, 5s));
  if (kiosk.shell->session() == nullptr) return false;
  h.settle();
  h.tap("primary");  // the introduction
  h.tap("option:waste");
  h.tap("account_number");
  for (const char* digit : {"1", "2", "3", "4", "5", "6", "7", "8"})
    h.tap(std::string("key:") + digit);
  h.tap("key:enter");
  h.tap("primary");
  h.tap("primary");  // the review
  h.tap("option:terminal");
  // Paying, submitting, printing: then the end screen, finished by the citizen.
  auto at_end = [&] {
    WorkflowSession* session = kiosk.shell->session();
    return !session || session->engine().step().kind == workflow::StepKind::end;
  };
  REQUIRE(h.run_until(at_end, 10s));
  h.settle();
  if (kiosk.shell->session()) h.tap("primary");
  h.run_until([&] { return kiosk.ended.has_value(); }, 5s);
  REQUIRE(kiosk.ended.has_value());
  return true;
}

}  // namespace

TEST_CASE(
    "a store that fills while citizens pay takes no payment it cannot store, and comes back by "
    "itself") {
  UiHarness h(Language::en);
  Kiosk kiosk(h);
  kiosk.shell->show_welcome();
  h.settle();
  REQUIRE(kiosk.shell->state() == ShellState::attract);

  int served = 0;
  bool refused = false;
  for (int citizen = 0; citizen < 60; ++citizen) {
    if (!serve_citizen(h, kiosk)) {
      refused = true;
      break;
    }
    ++served;
    kiosk.other_data(8);
    // After every citizen: every charge standing is a stored transaction, none was reversed.
    CHECK(kiosk.terminal.charges() == kiosk.paid_transactions());
  }
  MESSAGE("citizens served before the store filled: ", served);
  REQUIRE(refused);
  CHECK(served >= 2);
  // Out of service with the reason on screen, before anyone began; the terminal untouched.
  h.settle();
  CHECK(kiosk.shell->state() == ShellState::out_of_service);
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.storage_full");
  CHECK(h.app().screen()->find_element("out-of-service").has_value());
  CHECK(kiosk.health.state(DeviceId::store).status == DeviceStatus::storage_full);
  int charges = kiosk.terminal.charges();
  CHECK(charges == served);
  CHECK(charges == kiosk.paid_transactions());
  for (const auto& entry : kiosk.terminal.ledger()) CHECK(entry.status == PaymentStatus::approved);
  // Trying again changes nothing.
  CHECK_FALSE(serve_citizen(h, kiosk));
  CHECK(kiosk.terminal.charges() == charges);

  // Room comes back (the portal acknowledged everything, and old records are purged): the
  // kiosk returns to service by itself, without a restart, and serves the next citizen.
  auto batch = kiosk.store->next_batch(1000);
  REQUIRE(batch);
  std::vector<UploadResult> acknowledged;
  for (const auto& item : *batch) acknowledged.push_back({item.id, UploadOutcome::accepted, ""});
  REQUIRE(kiosk.store->apply_results(acknowledged));
  kiosk.wall_ms += 40LL * 86'400'000;
  REQUIRE(kiosk.store->purge_acknowledged(std::chrono::days(30)));
  REQUIRE(h.run_until([&] { return kiosk.shell->state() == ShellState::attract; }, 5s));
  CHECK(kiosk.health.state(DeviceId::store).status == DeviceStatus::online);
  REQUIRE(serve_citizen(h, kiosk));
  CHECK(kiosk.terminal.charges() == charges + 1);
  CHECK(kiosk.paid_transactions() == 1);  // the others were acknowledged and purged
}
