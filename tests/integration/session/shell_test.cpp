// The shell between citizens on the real headless UI: which services the menu offers as devices
// come and go, the out-of-service notice for each fault, the attract loop, the menu that times
// out, and the wipe that leaves nothing of one citizen for the next.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "drivers/printer/file_printer.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "kiosk/session/printer_monitor.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::TempDir;
using testing::UiHarness;

namespace {

const std::filesystem::path k_services =
    std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services";

// A kiosk with a real store and the real file printer in a temp dir, all devices working.
struct Kiosk {
  explicit Kiosk(UiHarness& h, KioskShell::Options options = {}) {
    key = std::move(*DeviceKey::load_or_create(dir / "device-key.pem"));
    TransactionStore::Options store_options;
    store_options.path = dir / "journal.db";
    store_options.kiosk_id = "K-1";
    store_options.device_key = key.get();
    store_options.min_free_bytes = 1;
    store = std::move(*TransactionStore::open(store_options, Log(logger, "store")));
    printer = std::move(*FilePrinter::open(dir / "receipts", 576));
    KioskServices::Devices devices;
    devices.store = store.get();
    devices.printer = printer.get();
    devices.hub = &health;
    services = std::make_unique<KioskServices>(h.ui(), h.loop(), lanes, devices, "K-1",
                                               Log(logger, "services"));
    for (auto device : {DeviceId::printer, DeviceId::card_reader, DeviceId::payment_terminal,
                        DeviceId::scanner}) {
      health.set_status(device, DeviceStatus::online);
    }
    options.welcome = {"K-1", "0.1.0"};
    shell = std::make_unique<KioskShell>(
        h.ui(), h.app(), *services, health, workflow::load_catalog(k_services),
        [] {
          return CivilDate{2026, 11, 21};
        },
        options, Log(logger, "shell"));
    shell->on_session_end([this](workflow::EndResult r) { ended = r; });
  }
  ~Kiosk() { lanes.shutdown(); }

  std::vector<std::string> menu() const {
    std::vector<std::string> ids;
    for (const auto& s : shell->availability().offered) ids.push_back(s->id);
    return ids;
  }

  TempDir dir;
  Logger logger{LogLevel::error};
  DeviceLanes lanes;
  DeviceHub health;
  std::unique_ptr<DeviceKey> key;
  std::unique_ptr<TransactionStore> store;
  std::unique_ptr<FilePrinter> printer;
  std::unique_ptr<KioskServices> services;
  std::unique_ptr<KioskShell> shell;
  std::optional<workflow::EndResult> ended;
};

bool on_attract(UiHarness& h) {
  return h.app().screen()->find_element("start").has_value();
}
bool out_of_service(UiHarness& h) {
  return h.app().screen()->find_element("out-of-service").has_value();
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every regular file below `dir` whose bytes contain `text`.
std::vector<std::filesystem::path> files_containing(const std::filesystem::path& dir,
                                                    const std::string& text) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && read_all(entry.path()).find(text) != std::string::npos)
      found.push_back(entry.path());
  }
  return found;
}

}  // namespace

TEST_CASE("a service is offered only while the devices it requires are usable") {
  UiHarness h(Language::en);
  Kiosk kiosk(h);
  CHECK(kiosk.menu() == std::vector<std::string>{"jordan.health.appointment",
                                                 "muscat.municipality.fees",
                                                 "oman.civil-status.birth-certificate"});
  kiosk.health.set_status(DeviceId::card_reader,
                          DeviceStatus::offline);  // unplugged: the certificate needs it
  CHECK(kiosk.menu() ==
        std::vector<std::string>{"jordan.health.appointment", "muscat.municipality.fees"});
  kiosk.health.set_status(DeviceId::payment_terminal, DeviceStatus::not_installed);
  CHECK(kiosk.menu() == std::vector<std::string>{"jordan.health.appointment"});
  kiosk.health.set_status(DeviceId::payment_terminal, DeviceStatus::online);
  kiosk.health.used(DeviceId::payment_terminal, Errc::device);  // one failed payment hides nothing
  kiosk.health.set_status(DeviceId::card_reader, DeviceStatus::online);
  kiosk.health.set_status(DeviceId::printer, DeviceStatus::media_low);  // low paper still prints
  CHECK(kiosk.menu().size() == 3);

  // The menu on screen follows while it is shown, and a hidden service cannot be started.
  kiosk.shell->show_menu();
  h.settle();
  CHECK(h.app().screen()->find_element("option:oman.civil-status.birth-certificate").has_value());
  kiosk.health.set_status(DeviceId::card_reader, DeviceStatus::offline);
  h.settle();
  CHECK(kiosk.shell->state() == ShellState::menu);
  CHECK_FALSE(
      h.app().screen()->find_element("option:oman.civil-status.birth-certificate").has_value());
  kiosk.shell->start_service("oman.civil-status.birth-certificate");
  CHECK(kiosk.shell->session() == nullptr);
}

TEST_CASE("each fault that stops every service puts the kiosk out of service with its own reason") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h);
  kiosk.shell->show_welcome();
  h.settle();
  REQUIRE(on_attract(h));

  const std::pair<std::string, std::string> faults[] = {
      {"media-empty", "out_of_service.printer_empty"},
      {"jam", "out_of_service.printer_jam"},
      {"door-open", "out_of_service.printer_jam"},
      {"offline", "out_of_service.printer_offline"},
  };
  for (const auto& [state, reason] : faults) {
    CAPTURE(state);
    kiosk.health.set_status(DeviceId::printer,
                            *device_status_named(state));  // every demo service prints
    h.settle();
    CHECK(kiosk.shell->state() == ShellState::out_of_service);
    CHECK(kiosk.shell->out_of_service_reason() == reason);
    CHECK(out_of_service(h));
    kiosk.health.set_status(DeviceId::printer, DeviceStatus::online);
    h.settle();
    CHECK(kiosk.shell->state() == ShellState::attract);
    CHECK(on_attract(h));
  }

  // Another device that only some services need does not stop the kiosk...
  kiosk.health.set_status(DeviceId::card_reader, DeviceStatus::offline);
  h.settle();
  CHECK(on_attract(h));
  // ...until nothing is left: the reason names the device of the first hidden service.
  kiosk.health.set_status(DeviceId::payment_terminal, DeviceStatus::offline);
  kiosk.health.set_status(DeviceId::printer, DeviceStatus::online);
  kiosk.shell->replace_catalog(workflow::Catalog{});
  h.settle();
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.no_services");
  kiosk.shell->replace_catalog(workflow::load_catalog(k_services));
  h.settle();
  CHECK(kiosk.shell->state() ==
        ShellState::attract);  // the health appointment needs the printer only

  // A reason the kiosk is held by (a full store, a technician) wins over the devices.
  kiosk.shell->set_out_of_service("out_of_service.storage_full");
  h.settle();
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.storage_full");
  kiosk.health.set_status(DeviceId::printer, DeviceStatus::media_empty);
  h.settle();
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.storage_full");
  kiosk.shell->set_out_of_service("");
  h.settle();
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.printer_empty");
}

TEST_CASE("a store that cannot take a transaction stops every service until it can again") {
  UiHarness h(Language::en);
  Kiosk kiosk(h);
  kiosk.shell->show_welcome();
  h.settle();
  REQUIRE(on_attract(h));
  kiosk.health.set_status(DeviceId::store, DeviceStatus::storage_full);
  h.settle();
  CHECK(kiosk.menu().empty());
  CHECK(out_of_service(h));
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.storage_full");
  kiosk.shell->start_service("jordan.health.appointment");
  CHECK(kiosk.shell->session() == nullptr);
  kiosk.health.set_status(DeviceId::store, DeviceStatus::offline);  // e.g. a read-only remount
  h.settle();
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.storage_unavailable");
  kiosk.health.set_status(DeviceId::store, DeviceStatus::online);  // room again: back by itself
  h.settle();
  CHECK(on_attract(h));
  CHECK(kiosk.menu().size() == 3);
}

TEST_CASE("the out-of-service notice says why in Arabic and in English at once") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h);
  kiosk.health.set_status(DeviceId::printer, DeviceStatus::media_empty);
  kiosk.shell->show_welcome();
  auto shot = h.screenshot();
  CHECK(testing::compare_with_golden(shot, "out-of-service-printer-empty") == "");
}

TEST_CASE(
    "a printer that runs out of paper mid-session lets the citizen finish, then stops the kiosk") {
  UiHarness h(Language::en);
  Kiosk kiosk(h);
  kiosk.shell->start_service("jordan.health.appointment");
  REQUIRE(kiosk.shell->session() != nullptr);
  kiosk.health.set_status(DeviceId::printer, DeviceStatus::media_empty);
  h.settle();
  CHECK(kiosk.shell->session() != nullptr);  // never pulled from under the citizen
  CHECK(kiosk.shell->state() == ShellState::in_service);
  h.tap("cancel");
  h.tap("primary");
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 3s));
  CHECK(kiosk.shell->out_of_service_reason() == "out_of_service.printer_empty");
}

TEST_CASE("the printer monitor reports the printer's own state to the board") {
  UiHarness h(Language::en);
  Kiosk kiosk(h);
  kiosk.shell->show_welcome();
  PrinterMonitor monitor(h.loop(), kiosk.lanes.printer, *kiosk.printer, kiosk.health, 50ms,
                         Log(kiosk.logger, "printer"));
  monitor.start();
  REQUIRE(h.run_until(
      [&] { return kiosk.health.state(DeviceId::printer).status == DeviceStatus::online; }, 3s));
  std::ofstream(kiosk.dir / "receipts" / "STATE") << "media-empty\n";  // the roll runs out
  REQUIRE(h.run_until([&] { return kiosk.shell->state() == ShellState::out_of_service; }, 3s));
  CHECK(kiosk.health.state(DeviceId::printer).status == DeviceStatus::media_empty);
  std::filesystem::remove(kiosk.dir / "receipts" / "STATE");  // refilled
  REQUIRE(h.run_until([&] { return kiosk.shell->state() == ShellState::attract; }, 3s));
}

TEST_CASE("the attract screen cycles through the services, drawing only when its line changes") {
  UiHarness h(Language::en);
  KioskShell::Options options;
  options.attract_cycle = 150ms;
  Kiosk kiosk(h, options);
  kiosk.shell->show_welcome();
  h.settle();
  auto first = h.screenshot();
  std::uint64_t frames_before = h.app().frames_drawn();
  h.run_until([] { return false; }, 1000ms);
  std::uint64_t frames = h.app().frames_drawn() - frames_before;
  CHECK(frames >= 3);   // the line moved on, several times
  CHECK(frames <= 10);  // and nothing was drawn in between (1000 / 150 cycles, plus slack)
  auto later = h.screenshot();
  CHECK(first.argb != later.argb);
  CHECK(on_attract(h));
}

TEST_CASE("a menu nobody touches returns to the attract screen in the default language") {
  UiHarness h(Language::ar);
  KioskShell::Options options;
  options.default_language = Language::ar;
  options.menu_idle = 300ms;
  Kiosk kiosk(h, options);
  kiosk.shell->show_welcome();
  h.settle();
  h.tap("language");
  REQUIRE(h.ui().language() == Language::en);
  h.tap("start");
  REQUIRE(kiosk.shell->state() == ShellState::menu);
  h.run_until([] { return false; }, 200ms);
  h.tap_at({5, 5});  // still there
  h.run_until([] { return false; }, 200ms);
  CHECK(kiosk.shell->state() == ShellState::menu);
  REQUIRE(h.run_until([&] { return kiosk.shell->state() == ShellState::attract; }, 2s));
  CHECK(h.ui().language() == Language::ar);
  CHECK(on_attract(h));
}

TEST_CASE("a citizen who walks away leaves nothing for the next one, on screen or on disk") {
  UiHarness h(Language::ar);
  KioskShell::Options options;
  options.session = {1, 1, 30};
  Kiosk kiosk(h, options);
  kiosk.shell->show_welcome();
  h.settle();
  h.tap("language");  // citizen A reads English
  h.tap("start");
  h.tap("option:jordan.health.appointment");
  REQUIRE(kiosk.shell->session() != nullptr);
  h.tap("primary");
  REQUIRE(kiosk.shell->session()->engine().step().id == "who");
  const auto history_at_form = kiosk.shell->session()->engine().history();
  const std::string phone = "0791234567";
  h.tap("phone");
  h.display().inject_text(phone);
  h.settle();
  REQUIRE(kiosk.shell->session()->engine().answers().contains("phone"));
  CHECK(kiosk.shell->session()->engine().answers().at("phone").to_display_string() == phone);

  // A walks away: the warning, then the wipe.
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 8s));
  CHECK(*kiosk.ended == workflow::EndResult::cancelled);
  CHECK(kiosk.shell->session() == nullptr);
  CHECK(h.ui().language() == Language::ar);  // the kiosk's default, not A's choice
  CHECK(on_attract(h));

  // Citizen B starts the same service: a fresh form.
  kiosk.ended.reset();
  h.tap("start");
  h.tap("option:jordan.health.appointment");
  h.tap("primary");
  REQUIRE(kiosk.shell->session() != nullptr);
  CHECK(kiosk.shell->session()->engine().step().id == "who");
  CHECK(kiosk.shell->session()->engine().answers().empty());
  CHECK(kiosk.shell->session()->engine().history() == history_at_form);  // B's own path only
  CHECK(h.ui().language() == Language::ar);

  // Nothing A typed reached the disk: not the journal, its WAL, the receipts, or anything else.
  kiosk.lanes.shutdown();
  CHECK(files_containing(kiosk.dir.path(), phone).empty());
  // The scan does find what is there (so an empty answer above means something).
  std::ofstream(kiosk.dir / "planted") << "x" << phone << "y";
  CHECK(files_containing(kiosk.dir.path(), phone) ==
        std::vector<std::filesystem::path>{kiosk.dir / "planted"});
}

TEST_CASE(
    "a citizen can switch to larger text and high contrast; the next citizen gets the configured "
    "display") {
  UiHarness h(Language::ar);
  KioskShell::Options options;
  options.theme = &default_theme();
  options.session = {1, 1, 30};
  Kiosk kiosk(h, options);
  kiosk.shell->show_welcome();
  auto standard = h.screenshot();
  h.tap("display");
  CHECK(&h.ui().theme() == &large_text_theme());
  auto large = h.screenshot();
  CHECK(testing::count_differences(standard, large) > 1000);
  h.tap("display");
  CHECK(&h.ui().theme() == &high_contrast_theme());
  CHECK(testing::compare_with_golden(h.screenshot(), "welcome-high-contrast-ar") == "");

  // The display stays for the citizen's session, and goes back when they walk away.
  h.tap("start");
  h.tap("option:jordan.health.appointment");
  REQUIRE(kiosk.shell->session() != nullptr);
  CHECK(&h.ui().theme() == &high_contrast_theme());
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 8s));
  CHECK(&h.ui().theme() == &default_theme());
  CHECK(testing::count_differences(standard, h.screenshot()) == 0);
}

TEST_CASE("a service starts only once the store's check, off the UI thread, has answered") {
  UiHarness h(Language::en);
  KioskShell::Options options;
  std::vector<std::function<void(bool)>> asked;  // checks the "store lane" has not answered yet
  options.check_store = [&](std::function<void(bool)> done) { asked.push_back(std::move(done)); };
  Kiosk kiosk(h, options);
  kiosk.shell->show_menu();
  h.settle();

  kiosk.shell->start_service("jordan.health.appointment");
  CHECK(kiosk.shell->starting());
  CHECK(kiosk.shell->session() == nullptr);  // nothing begins before the store has answered
  kiosk.shell->start_service("jordan.health.appointment");  // a second tap meanwhile
  REQUIRE(asked.size() == 1);                               // is not a second start
  asked.front()(true);
  CHECK_FALSE(kiosk.shell->starting());
  REQUIRE(kiosk.shell->session() != nullptr);
  CHECK(kiosk.shell->state() == ShellState::in_service);
  h.settle();
  h.tap("cancel");
  h.tap("primary");
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 3s));
  CHECK(asked.size() == 2);  // and once the session has ended

  // The kiosk moved on while the check ran (the menu's idle timer, the technician): the late
  // answer starts nothing.
  kiosk.shell->show_menu();
  kiosk.shell->start_service("jordan.health.appointment");
  REQUIRE(asked.size() == 3);
  kiosk.shell->show_welcome();
  asked.back()(true);
  CHECK(kiosk.shell->session() == nullptr);
  CHECK(kiosk.shell->state() == ShellState::attract);
}
