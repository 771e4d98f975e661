// The devices as kiosk.toml configures them: the simulated demo reader, and a CCID reader and
// a scanner over emulated USB, driven through the same ReaderDevices the runtime uses.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

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
  auto devices = ReaderDevices::open(Config{}, SHUBBAK_ASSETS_DIR, loop, workers, workers,
                                     log.log("devices"), {});
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
  WorkerPool card_lane(1);
  WorkerPool scanner_lane(1);
  std::vector<bool> reader_changes;
  std::vector<bool> scanner_changes;
  std::vector<std::string> scans;
  ReaderDevices::Listeners listeners{[&](Scan scan) { scans.push_back(scan.text); },
                                     [&](bool connected) { reader_changes.push_back(connected); },
                                     [&](bool connected) { scanner_changes.push_back(connected); }};
  auto devices = ReaderDevices::open(config, SHUBBAK_ASSETS_DIR, loop, card_lane, scanner_lane,
                                     log.log("devices"), listeners);
  REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
  run_until(loop, [&] { return !reader_changes.empty() && !scanner_changes.empty(); });
  CHECK(reader_changes == std::vector<bool>{true});
  CHECK(scanner_changes == std::vector<bool>{true});
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
  auto refused = ReaderDevices::open(unknown_profile, SHUBBAK_ASSETS_DIR, loop, workers, workers,
                                     log.log("d"), {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::not_found);

  UsbTestbed testbed;
  Config malformed_scanner;
  malformed_scanner.usb.allow = {"1d6b:0c3b"};
  malformed_scanner.scanner.reader = "hid://1d6b";
  auto malformed = ReaderDevices::open(malformed_scanner, SHUBBAK_ASSETS_DIR, loop, workers,
                                       workers, log.log("d"), {});
  REQUIRE_FALSE(malformed.has_value());
  CHECK(malformed.error().code == Errc::config);
}

namespace {

// A scanner whose SET_PROTOCOL and SET_IDLE answers take as long as the kiosk's UI thread
// needs to tick three times (at most 2 s each). Opened on the UI thread, it would stop the
// ticks: the answer would come only after the wait, and `ui_ran_while_opening` stays false.
class SlowToOpenScanner final : public EmulatedBehaviour {
 public:
  SlowToOpenScanner(std::shared_ptr<FakeHidKeyboard> keyboard, const std::atomic<int>& ui_ticks)
      : m_keyboard(std::move(keyboard)), m_ui_ticks(ui_ticks) {}
  Outcome out(std::uint8_t endpoint, ByteView data) override {
    return m_keyboard->out(endpoint, data);
  }
  InAnswer in(std::uint8_t endpoint, std::size_t max) override {
    return m_keyboard->in(endpoint, max);
  }
  InAnswer control(ByteView setup, ByteView out) override {
    int start = m_ui_ticks.load();
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (m_ui_ticks.load() < start + 3 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
    if (m_ui_ticks.load() >= start + 3) ++m_answered_while_ui_ran;
    ++m_requests;
    return m_keyboard->control(setup, out);
  }
  std::string kernel_driver(std::uint8_t interface) override {
    return m_keyboard->kernel_driver(interface);
  }
  void driver_detached(std::uint8_t interface) override { m_keyboard->driver_detached(interface); }
  // Every control request of the open was answered while the UI thread kept running.
  bool ui_ran_while_opening() const {
    return m_requests.load() > 0 && m_requests.load() == m_answered_while_ui_ran.load();
  }

 private:
  std::shared_ptr<FakeHidKeyboard> m_keyboard;
  const std::atomic<int>& m_ui_ticks;
  std::atomic<int> m_requests = 0;
  std::atomic<int> m_answered_while_ui_ran = 0;
};

}  // namespace

TEST_CASE("a scanner missing at start is offline, then opened off the UI thread when it comes") {
  CapturedLog log;
  UsbTestbed testbed;
  Config config;
  config.usb.allow = {"1d6b:0c3b"};
  config.scanner.reader = "hid://1d6b:0c3b";
  EventLoop loop;
  std::atomic<int> ui_ticks = 0;
  auto ticker = loop.add_repeating_timer(5ms, [&] { ++ui_ticks; });
  WorkerPool card_lane(1);
  WorkerPool scanner_lane(1);
  std::vector<bool> health;
  std::vector<std::string> scans;
  ReaderDevices::Listeners listeners{[&](Scan scan) { scans.push_back(scan.text); }, [](bool) {},
                                     [&](bool connected) { health.push_back(connected); }};
  auto devices = ReaderDevices::open(config, SHUBBAK_ASSETS_DIR, loop, card_lane, scanner_lane,
                                     log.log("devices"), listeners);
  REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
  // Several looks (every 500 ms) find nothing: no health change, and one log line, not one a look.
  run_until(loop, [&] { return count_matches(log.all(), "looking for it") > 0; });
  auto away_until = std::chrono::steady_clock::now() + 1200ms;
  run_until(loop, [&] { return std::chrono::steady_clock::now() > away_until; });
  CHECK(health.empty());
  CHECK_FALSE((*devices)->scanner_connected());
  CHECK(count_matches(log.all(), "looking for it") == 1);

  auto keyboard = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  auto slow = std::make_shared<SlowToOpenScanner>(keyboard, ui_ticks);
  testbed.plug(14, keyboard->descriptors(), slow);
  run_until(loop, [&] { return !health.empty(); });
  REQUIRE(health == std::vector<bool>{true});
  CHECK((*devices)->scanner_connected());
  CHECK(slow->ui_ran_while_opening());
  CHECK(keyboard->protocol() == 0);  // the open went all the way: boot protocol set

  keyboard->type("ARRIVED-LATE", true);
  run_until(loop, [&] { return !scans.empty(); });
  CHECK(scans == std::vector<std::string>{"ARRIVED-LATE"});
  loop.cancel_timer(ticker);
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
  WorkerPool card_lane(1);
  WorkerPool scanner_lane(1);
  std::vector<bool> health;
  std::vector<std::string> scans;
  ReaderDevices::Listeners listeners{[&](Scan scan) { scans.push_back(scan.text); }, [](bool) {},
                                     [&](bool connected) { health.push_back(connected); }};
  auto devices = ReaderDevices::open(config, SHUBBAK_ASSETS_DIR, loop, card_lane, scanner_lane,
                                     log.log("devices"), listeners);
  REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
  run_until(loop, [&] { return !health.empty(); });
  REQUIRE(health == std::vector<bool>{true});
  CHECK((*devices)->scanner_connected());

  // Two cycles: the second proves the first re-open left nothing behind that blocks another.
  std::vector<std::shared_ptr<FakeHidKeyboard>> keyboards{first};
  EmulatedUsbDevice* device = &first_device;
  for (int cycle = 0; cycle < 2; ++cycle) {
    CAPTURE(cycle);
    testbed.unplug(*device);
    run_until(loop, [&] { return health.size() == static_cast<std::size_t>(2 * cycle + 2); });
    REQUIRE(health.size() == static_cast<std::size_t>(2 * cycle + 2));
    CHECK(health.back() == false);
    CHECK_FALSE((*devices)->scanner_connected());

    auto again = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
    keyboards.push_back(again);
    device = &testbed.plug(12 + cycle, again->descriptors(), again);
    run_until(loop, [&] { return health.size() == static_cast<std::size_t>(2 * cycle + 3); });
    REQUIRE(health.size() == static_cast<std::size_t>(2 * cycle + 3));
    CHECK(health.back() == true);
    CHECK((*devices)->scanner_connected());

    again->type("BACK-" + std::to_string(cycle), true);
    run_until(loop, [&] { return scans.size() == static_cast<std::size_t>(cycle + 1); });
    REQUIRE(scans.size() == static_cast<std::size_t>(cycle + 1));
    CHECK(scans.back() == "BACK-" + std::to_string(cycle));
  }
  CHECK(count_matches(log.all(), "looking for it") == 2);
}
