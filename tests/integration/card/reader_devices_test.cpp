// The devices as kiosk.toml configures them: the simulated demo reader, and a CCID reader and
// a scanner over emulated USB, driven through the same ReaderDevices the runtime uses.
#include <doctest/doctest.h>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "kiosk/session/reader_devices.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/usb/fake_ccid_reader.hpp"
#include "tests/support/usb/fake_hid_keyboard.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

void run_until(EventLoop& loop, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  auto timer = loop.add_repeating_timer(5ms, [&] {
    if (done() || std::chrono::steady_clock::now() > deadline) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
}

std::size_t count_matches(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::optional<Expected<IdentityRecord>> read_card(ReaderDevices& devices, EventLoop& loop) {
  std::optional<Expected<IdentityRecord>> result;
  devices.card().read_identity(devices.card_profile(),
                               [&](Expected<IdentityRecord> r) { result = std::move(r); });
  run_until(loop, [&] { return result.has_value(); });
  return result;
}

}  // namespace

TEST_CASE("the default configuration reads the simulated demo card") {
  CapturedLog log;
  EventLoop loop;
  WorkerPool workers(1);
  auto devices =
      ReaderDevices::open(Config{}, SHUBBAK_ASSETS_DIR, loop, workers, log.log("devices"), {});
  REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
  CHECK((*devices)->card_profile().id == "demo-national-id");
  auto id = read_card(**devices, loop);
  REQUIRE(id.has_value());
  REQUIRE_MESSAGE(id->has_value(), id->error().describe());
  CHECK((*id)->name_ar == "أحمد بن سالم البلوشي");
}

TEST_CASE("a configured CCID reader and scanner over USB: attached at start, read, scanned") {
  CapturedLog log;
  UsbTestbed testbed;
  auto reader = std::make_shared<FakeCcidReader>(
      FakeCcidConfig{.product_id = 0x0C2C, .exchange = FakeExchange::tpdu_t1},
      SimulatedCard::demo_id_card());
  auto scanner = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  testbed.plug(9, reader->descriptors(), reader);
  testbed.plug(10, scanner->descriptors(), scanner);

  Config config;
  config.usb.allow = {"class:0b", "1d6b:0c3b"};
  config.card.reader = "ccid://1d6b:0c2c";
  config.scanner.reader = "hid://1d6b:0c3b";
  EventLoop loop;
  WorkerPool workers(1);
  std::vector<bool> reader_changes;
  std::vector<std::string> scans;
  ReaderDevices::Listeners listeners{[&](Scan scan) { scans.push_back(scan.text); },
                                     [&](bool connected) { reader_changes.push_back(connected); }};
  auto devices =
      ReaderDevices::open(config, SHUBBAK_ASSETS_DIR, loop, workers, log.log("devices"), listeners);
  REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
  run_until(loop, [&] { return !reader_changes.empty(); });
  CHECK(reader_changes == std::vector<bool>{true});
  auto id = read_card(**devices, loop);
  REQUIRE(id.has_value());
  REQUIRE_MESSAGE(id->has_value(), id->error().describe());
  CHECK((*id)->id_number == "9861031234");

  scanner->type("APPT-2026-11-21", true);
  run_until(loop, [&] { return !scans.empty(); });
  CHECK(scans == std::vector<std::string>{"APPT-2026-11-21"});
}

TEST_CASE("configurations that cannot work are refused at start") {
  CapturedLog log;
  EventLoop loop;
  WorkerPool workers(1);
  Config unknown_profile;
  unknown_profile.card.profile = "no-such-card";
  auto refused =
      ReaderDevices::open(unknown_profile, SHUBBAK_ASSETS_DIR, loop, workers, log.log("d"), {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::not_found);

  UsbTestbed testbed;  // USB is there, the scanner is not
  Config missing_scanner;
  missing_scanner.usb.allow = {"1d6b:0c3b"};
  missing_scanner.scanner.reader = "hid://1d6b:0c3b";
  auto missing =
      ReaderDevices::open(missing_scanner, SHUBBAK_ASSETS_DIR, loop, workers, log.log("d"), {});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Errc::not_found);
}

TEST_CASE(
    "a scanner unplugged and plugged back is opened again, its health following each change") {
  CapturedLog log;
  UsbTestbed testbed;
  auto first = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  auto& first_device = testbed.plug(11, first->descriptors(), first);
  Config config;
  config.usb.allow = {"1d6b:0c3b"};
  config.scanner.reader = "hid://1d6b:0c3b";
  EventLoop loop;
  WorkerPool workers(1);
  std::vector<bool> health;
  std::vector<std::string> scans;
  ReaderDevices::Listeners listeners{[&](Scan scan) { scans.push_back(scan.text); }, [](bool) {},
                                     [&](bool connected) { health.push_back(connected); }};
  auto devices =
      ReaderDevices::open(config, SHUBBAK_ASSETS_DIR, loop, workers, log.log("devices"), listeners);
  REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
  CHECK((*devices)->scanner_connected());

  // Two cycles: the second proves the first re-open left nothing behind that blocks another.
  std::vector<std::shared_ptr<FakeHidKeyboard>> keyboards{first};
  EmulatedUsbDevice* device = &first_device;
  for (int cycle = 0; cycle < 2; ++cycle) {
    CAPTURE(cycle);
    testbed.unplug(*device);
    run_until(loop, [&] { return health.size() == static_cast<std::size_t>(2 * cycle + 1); });
    REQUIRE(health.size() == static_cast<std::size_t>(2 * cycle + 1));
    CHECK(health.back() == false);
    CHECK_FALSE((*devices)->scanner_connected());

    auto again = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
    keyboards.push_back(again);
    device = &testbed.plug(12 + cycle, again->descriptors(), again);
    run_until(loop, [&] { return health.size() == static_cast<std::size_t>(2 * cycle + 2); });
    REQUIRE(health.size() == static_cast<std::size_t>(2 * cycle + 2));
    CHECK(health.back() == true);
    CHECK((*devices)->scanner_connected());

    again->type("BACK-" + std::to_string(cycle), true);
    run_until(loop, [&] { return scans.size() == static_cast<std::size_t>(cycle + 1); });
    REQUIRE(scans.size() == static_cast<std::size_t>(cycle + 1));
    CHECK(scans.back() == "BACK-" + std::to_string(cycle));
  }
  CHECK(count_matches(log.all(), "looking for it") == 2);
}
