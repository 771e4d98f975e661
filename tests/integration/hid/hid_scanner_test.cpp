// Keyboard-mode scanners over emulated USB: a QR payload typed by a scanner arrives whole on
// the event loop; a magstripe swipe of a test payment card is dropped and leaves no trace in
// the logs or anywhere in the process's writable memory.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "drivers/hid/hid_scanner.hpp"
#include "drivers/usb/usb_context.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/usb/fake_hid_keyboard.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

// The test card number, kept in read-only memory only: the memory scan below must not find
// the test's own copy.
constexpr char k_swipe[] = ";4111111111111111=29121010000012345678?";
constexpr std::string_view k_pan_prefix = std::string_view(k_swipe + 1, 12);

struct ScannerRig {
  CapturedLog log;
  UsbTestbed testbed;
  std::shared_ptr<FakeHidKeyboard> keyboard = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  std::unique_ptr<UsbContext> usb;
  EventLoop loop;
  std::vector<Scan> scans;
  std::unique_ptr<HidScanner> scanner;
  EmulatedUsbDevice* device = nullptr;
  std::optional<Error> stopped;

  explicit ScannerRig(HidScannerOptions options = {}) {
    device = &testbed.plug(3, keyboard->descriptors(), keyboard);
    auto allow = UsbAllowList::parse({"1d6b:0c3b"});
    auto context = UsbContext::open(log.log("usb"), *allow);
    REQUIRE_MESSAGE(context.has_value(), context.error().describe());
    usb = std::move(*context);
    auto opened = open_scanner(
        "hid://1d6b:0c3b", *usb, loop, log.log("scanner"), options,
        [this](Scan scan) { scans.push_back(std::move(scan)); },
        [this](Error error) { stopped = std::move(error); });
    REQUIRE_MESSAGE(opened.has_value(), opened.error().describe());
    scanner = std::move(*opened);
  }

  void run_until(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    auto timer = loop.add_repeating_timer(5ms, [&] {
      if (done() || std::chrono::steady_clock::now() > deadline) loop.quit(0);
    });
    loop.run();
    loop.cancel_timer(timer);
  }
  void run_until_scans(std::size_t count) {
    run_until([&] { return scans.size() >= count; });
  }
};

// Counts occurrences of `needle` in every writable mapping of this process (heap, stacks,
// data, anonymous maps), read through /proc/self/mem.
std::size_t count_in_writable_memory(std::string_view needle) {
  std::ifstream maps("/proc/self/maps");
  std::ifstream mem("/proc/self/mem", std::ios::binary);
  REQUIRE(maps);
  REQUIRE(mem);
  std::size_t hits = 0;
  std::string line;
  std::vector<char> chunk;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    if (perms.size() < 2 || perms[0] != 'r' || perms[1] != 'w') continue;
    if (line.find("[vvar]") != std::string::npos || line.find("[vsyscall]") != std::string::npos)
      continue;
    auto dash = range.find('-');
    std::uint64_t begin = std::stoull(range.substr(0, dash), nullptr, 16);
    std::uint64_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    chunk.resize(end - begin);
    mem.clear();
    mem.seekg(static_cast<std::streamoff>(begin));
    mem.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::string_view data(chunk.data(), static_cast<std::size_t>(mem.gcount()));
    for (auto at = data.find(needle); at != std::string_view::npos; at = data.find(needle, at + 1))
      ++hits;
  }
  std::fill(chunk.begin(), chunk.end(), '\0');
  return hits;
}

}  // namespace

TEST_CASE(
    "a QR payload typed by a keyboard-mode scanner arrives whole; the kernel driver was detached") {
  ScannerRig rig;
  CHECK(rig.keyboard->driver_was_detached());
  CHECK(rig.keyboard->protocol() == 0);  // SET_PROTOCOL(boot) went out on endpoint 0
  CHECK(rig.keyboard->idle_set());
  std::string payload = "SHUBBAK:APPT=2026-11-21T09:30;REF=MOH-55821;NAME=Ahmed_Al-Balushi";
  rig.keyboard->type(payload, true);
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].outcome == Scan::Outcome::text);
  CHECK(rig.scans[0].text == payload);
  CHECK(rig.log.contains("scan of " + std::to_string(payload.size()) + " bytes"));
  CHECK_FALSE(rig.log.contains("MOH-55821"));
}

TEST_CASE("a scan without Enter ends after the inter-key timeout") {
  ScannerRig rig(HidScannerOptions{.inter_key_timeout = 60ms});
  rig.keyboard->type("6281234567890", false);  // an EAN-13 barcode, not a card number
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].text == "6281234567890");
}

TEST_CASE("an Arabic-layout scanner types Arabic") {
  ScannerRig rig(HidScannerOptions{.layout = KeyboardLayout::arabic});
  // h j p (ا ت ح) and the digit 7 with Enter.
  rig.keyboard->press_usages(
      {{0x0B, false}, {0x0D, false}, {0x13, false}, {0x24, false}, {0x28, false}});
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].text == "اتح7");
}

TEST_CASE("a magstripe swipe of a payment card is dropped and leaves no trace in logs or memory") {
  ScannerRig rig;
  rig.keyboard->type(k_swipe, true);
  rig.keyboard->type("OK", true);  // the scanner goes on working afterwards
  rig.run_until_scans(2);
  REQUIRE(rig.scans.size() == 2);
  CHECK(rig.scans[0].outcome == Scan::Outcome::dropped_payment_card);
  CHECK(rig.scans[0].text.empty());
  CHECK(rig.scans[1].text == "OK");
  CHECK(rig.log.contains("dropped a scan shaped like a payment card"));
  CHECK_FALSE(rig.log.contains(k_pan_prefix));
  CHECK_FALSE(rig.log.all().find("4111") != std::string::npos);
  // Not in any buffer the scanner kept, nor anywhere else this process can write.
  CHECK(count_in_writable_memory(k_pan_prefix) == 0);
}

TEST_CASE("the memory scan does find a card number that is left in memory") {
  // Guards the test above: a scan that finds nothing because it looks nowhere would pass too.
  std::string leaked(k_swipe);
  CHECK(count_in_writable_memory(k_pan_prefix) >= 1);
  std::fill(leaked.begin(), leaked.end(), '\0');
}

TEST_CASE("a scanner unplugged while the kiosk runs stops and says so on the event loop") {
  ScannerRig rig;
  rig.keyboard->type("A1", true);
  rig.run_until_scans(1);
  rig.testbed.unplug(*rig.device);
  rig.run_until([&] { return rig.stopped.has_value(); });
  REQUIRE(rig.stopped.has_value());
  CHECK(rig.stopped->code == Errc::not_found);
  CHECK(rig.log.contains("scanner stopped"));
}

TEST_CASE("a scanner URI that is malformed or names no connected device is refused") {
  UsbTestbed testbed;
  CapturedLog log;
  auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({"1d6b:0c3b"}));
  REQUIRE(usb.has_value());
  EventLoop loop;
  auto none = [](Scan) {};
  CHECK(open_scanner("hid://1d6b", **usb, loop, log.log("s"), {}, none).error().code ==
        Errc::config);
  CHECK(open_scanner("hid://1d6b:0c3b", **usb, loop, log.log("s"), {}, none).error().code ==
        Errc::not_found);
}
