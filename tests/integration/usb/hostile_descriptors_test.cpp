// Devices whose descriptors lie, over emulated USB with the real libusb: listing, opening and
// hot-plug must survive them, refuse them, log each once and keep serving the honest devices
// beside them.
#include <doctest/doctest.h>

#include <algorithm>

#include "drivers/card/ccid_reader.hpp"
#include "drivers/usb/usb_context.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/usb/fake_ccid_reader.hpp"
#include "tests/support/usb/lying_descriptors.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

std::size_t count_lines(const CapturedLog& log, std::string_view needle) {
  std::size_t n = 0;
  std::string all = log.all();
  for (std::size_t at = all.find(needle); at != std::string::npos; at = all.find(needle, at + 1))
    ++n;
  return n;
}

void run_until(EventLoop& loop, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 3s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto timer = loop.add_repeating_timer(5ms, [&] {
    if (done() || std::chrono::steady_clock::now() > deadline) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
}

}  // namespace

TEST_CASE("a device whose interface claims endpoints it lacks is refused; the honest one serves") {
  for (const char* entry : {"class:0b", "1d6b:0bad"}) {
    CAPTURE(entry);
    CapturedLog log;
    UsbTestbed testbed;
    auto liar = std::make_shared<Untouchable>();
    testbed.plug(2, lying_descriptors(0x1D6B, 0x0BAD, 3), liar);
    auto reader = std::make_shared<FakeCcidReader>(FakeCcidConfig{.product_id = 0x0C2D},
                                                   SimulatedCard::demo_id_card());
    testbed.plug(3, reader->descriptors(), reader);
    auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({entry, "1d6b:0c2d"}));
    REQUIRE(usb.has_value());

    // Listed three times, as a kiosk restarting or polling does: the liar never listed, warned
    // about once.
    for (int i = 0; i < 3; ++i) {
      auto devices = (*usb)->list_devices();
      REQUIRE_MESSAGE(devices.has_value(), devices.error().describe());
      REQUIRE(devices->size() == 1);
      CHECK(devices->front().product_id == 0x0C2D);
    }
    CHECK(count_lines(log, "names 3 endpoints but has none") == 1);
    CHECK(count_lines(log, "0bad") == 1);

    // Opening the liar by its place is refused plainly, without touching it.
    UsbDeviceInfo place{0x1D6B, 0x0BAD, 1, 2, {}};
    auto opened = (*usb)->open_device(place);
    REQUIRE_FALSE(opened.has_value());
    // Named by VID:PID it gets as far as its description, which fails; by class it does not
    // even get that far, the place carrying no interfaces.
    if (std::string_view(entry) == "1d6b:0bad")
      CHECK(opened.error().message.find("names 3 endpoints") != std::string::npos);
    CHECK(liar->touched == 0);

    // The honest reader beside it still works end to end.
    auto devices = (*usb)->list_devices();
    auto device = (*usb)->open_device(devices->front());
    REQUIRE_MESSAGE(device.has_value(), device.error().describe());
    auto ccid = CcidReader::open(std::move(*device), log.log("ccid"));
    REQUIRE_MESSAGE(ccid.has_value(), ccid.error().describe());
    auto atr = (*ccid)->power_on();
    CHECK_MESSAGE(atr.has_value(), atr.error().describe());
  }
}

TEST_CASE("a lying device the allow-list does not name is not read past its device descriptor") {
  CapturedLog log;
  UsbTestbed testbed;
  testbed.plug(2, lying_descriptors(0x1D6B, 0x0BAD, 255), std::make_shared<Untouchable>());
  auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({"1d6b:0c2d"}));
  REQUIRE(usb.has_value());
  auto devices = (*usb)->list_devices();
  REQUIRE(devices.has_value());
  CHECK(devices->empty());
  // Refused by VID:PID before its configuration is read: nothing to warn about.
  CHECK_FALSE(log.contains("0bad"));
}

TEST_CASE("hot-plug: lying devices arriving (and flapping) are skipped; an honest one arrives") {
  CapturedLog log;
  UsbTestbed testbed;
  auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({"class:0b"}));
  REQUIRE(usb.has_value());
  EventLoop loop;
  std::vector<std::pair<UsbHotplugEvent::Kind, std::uint16_t>> events;
  REQUIRE((*usb)
              ->watch_hotplug(loop,
                              [&](const UsbHotplugEvent& e) {
                                events.emplace_back(e.kind, e.device.product_id);
                              })
              .has_value());
  // Different lies at different addresses, each plugged and pulled, on libusb's event thread.
  for (int endpoints : {1, 2, 3, 31, 255}) {
    auto& liar =
        testbed.plug(20 + endpoints % 50,
                     lying_descriptors(0x1D6B, 0x0BAD, static_cast<std::uint8_t>(endpoints)),
                     std::make_shared<Untouchable>());
    testbed.unplug(liar);
  }
  // A liar pulled at once may be gone before libusb reads it (then there is nothing to warn
  // about): one more stays plugged until it has been read and warned about.
  auto& staying =
      testbed.plug(90, lying_descriptors(0x1D6B, 0x0BAD, 7), std::make_shared<Untouchable>());
  run_until(loop, [&] { return log.contains("hot-plugged device unreadable"); });
  testbed.unplug(staying);
  auto reader = std::make_shared<FakeCcidReader>(FakeCcidConfig{.product_id = 0x0C2E},
                                                 SimulatedCard::demo_id_card());
  testbed.plug(4, reader->descriptors(), reader);
  run_until(loop, [&] { return !events.empty(); });
  REQUIRE(events.size() == 1);
  CHECK(events[0] == std::pair{UsbHotplugEvent::Kind::arrived, std::uint16_t{0x0C2E}});
  CHECK(log.contains("hot-plugged device unreadable"));
}
