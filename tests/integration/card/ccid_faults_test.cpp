// Readers and cards that misbehave, over emulated USB: STALLs, silence, time extensions, stale
// answers, T=1 waiting-time extensions and garbled blocks, cards coming and going, a reader
// pulled out in the middle of a transfer and readers plugged in while the kiosk runs.
#include <doctest/doctest.h>

#include <thread>

#include "drivers/card/card_reader_supervisor.hpp"
#include "drivers/card/card_service.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "tests/support/usb/emulated_ccid.hpp"
#include "tests/support/usb/fake_hid_keyboard.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

const CommandApdu k_select_demo{0x00,        0xA4, 0x04, 0x0C, *parse_hex("F05348554242414B4944"),
                                std::nullopt};
const CommandApdu k_read_validity{0x00, 0xB0, 0x82, 0x00, {}, 16};

std::unique_ptr<CcidReader> powered_reader(EmulatedCcid& ccid, CcidOptions options = {}) {
  auto reader = ccid.open_reader(options);
  REQUIRE_MESSAGE(reader.has_value(), reader.error().describe());
  auto atr = (*reader)->power_on();
  REQUIRE_MESSAGE(atr.has_value(), atr.error().describe());
  return std::move(*reader);
}

// Runs the loop until `done` or 5 s, whichever first.
void run_until(EventLoop& loop, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  auto timer = loop.add_repeating_timer(5ms, [&] {
    if (done() || std::chrono::steady_clock::now() > deadline) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
}

}  // namespace

TEST_CASE(
    "a STALLed bulk endpoint fails that command clearly; the halt is cleared and the next works") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu});
  auto reader = powered_reader(ccid);
  ccid.fake().stall_next_commands(1);
  auto stalled = reader->slot_status();
  REQUIRE_FALSE(stalled.has_value());
  CHECK(stalled.error().code == Errc::device);
  CHECK(stalled.error().message.find("stalled") != std::string::npos);
  auto again = reader->slot_status();
  REQUIRE_MESSAGE(again.has_value(), again.error().describe());
  CHECK(*again == IccStatus::active);
}

TEST_CASE(
    "a reader that does not answer times out, and its late silence does not confuse the next "
    "command") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu});
  auto reader = powered_reader(ccid, CcidOptions{.command_timeout = 150ms});
  ccid.fake().ignore_next_commands(1);
  auto started = std::chrono::steady_clock::now();
  auto silent = reader->transmit_raw(k_select_demo);
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(silent.has_value());
  CHECK(silent.error().code == Errc::timeout);
  CHECK(took < 3s);                  // bounded by the command timeout, not hung
  CHECK(ccid.fake().aborts() == 1);  // control ABORT then PC_to_RDR_Abort with the same bSeq
  auto next = reader->transmit_raw(k_select_demo);
  REQUIRE_MESSAGE(next.has_value(), next.error().describe());
  CHECK(next->ok());
}

TEST_CASE("reader time extensions are waited out, up to a bound") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu});
  auto reader =
      powered_reader(ccid, CcidOptions{.command_timeout = 500ms, .max_time_extensions = 4});
  ccid.fake().time_extensions_before_answer(3);
  auto waited = reader->transmit_raw(k_select_demo);
  REQUIRE_MESSAGE(waited.has_value(), waited.error().describe());
  CHECK(waited->ok());

  ccid.fake().time_extensions_before_answer(6);
  auto refused = reader->transmit_raw(k_select_demo);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::timeout);
  CHECK(refused.error().message.find("time extensions") != std::string::npos);
}

TEST_CASE(
    "an answer carrying an earlier sequence number is dropped, not taken for this command's") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu});
  auto reader = powered_reader(ccid);
  ccid.fake().stale_answer_before_next();
  auto response = reader->transmit_raw(k_select_demo);
  REQUIRE_MESSAGE(response.has_value(), response.error().describe());
  CHECK(response->ok());
  CHECK(ccid.log().contains("dropping an answer with sequence"));
}

TEST_CASE("T=1: waiting-time extensions are answered, and a card asking forever is refused") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = powered_reader(ccid);
  ccid.fake().t1_wtx_requests(2, 3);
  auto response = reader->transmit_raw(k_select_demo);
  REQUIRE_MESSAGE(response.has_value(), response.error().describe());
  CHECK(response->ok());
  CHECK(ccid.fake().wtx_answered() == 2);

  ccid.fake().t1_wtx_requests(100, 1);
  auto refused = reader->transmit_raw(k_select_demo);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::timeout);
  CHECK(ccid.fake().wtx_answered() == 2 + T1Protocol::k_max_wtx_per_exchange);
}

TEST_CASE("T=1: a garbled block from the card is asked for again and the exchange completes") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = powered_reader(ccid);
  REQUIRE(reader->transmit_raw(k_select_demo)->ok());
  ccid.fake().t1_corrupt_next_block();
  auto validity = reader->transmit_raw(k_read_validity);
  REQUIRE_MESSAGE(validity.has_value(), validity.error().describe());
  CHECK(validity->ok());
  CHECK(std::string(validity->data.begin(), validity->data.end()) == "2031052020210521");
}

TEST_CASE("card insertion and removal arrive as NotifySlotChange on the interrupt endpoint") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu}, std::nullopt);
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  CHECK(*(*reader)->slot_status() == IccStatus::absent);
  auto powered = (*reader)->power_on();
  REQUIRE_FALSE(powered.has_value());
  CHECK(powered.error().code == Errc::not_found);

  auto nothing = (*reader)->wait_for_card_change(100ms);
  REQUIRE(nothing.has_value());
  CHECK_FALSE(nothing->has_value());

  ccid.fake().insert_card(SimulatedCard::demo_id_card());
  auto inserted = (*reader)->wait_for_card_change(2000ms);
  REQUIRE_MESSAGE(inserted.has_value(), inserted.error().describe());
  REQUIRE(inserted->has_value());
  CHECK(**inserted == true);
  CHECK(*(*reader)->slot_status() == IccStatus::present_inactive);

  ccid.fake().remove_card();
  auto removed = (*reader)->wait_for_card_change(2000ms);
  REQUIRE(removed.has_value());
  REQUIRE(removed->has_value());
  CHECK(**removed == false);
}

TEST_CASE("the card service posts card presence and identity results to the event loop") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1}, std::nullopt);
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  EventLoop loop;
  WorkerPool workers(1);
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  std::vector<bool> presence;
  std::optional<Expected<IdentityRecord>> result;
  auto ui_thread = std::this_thread::get_id();
  bool callbacks_on_ui_thread = true;
  {
    CardService service(std::move(*reader), workers, loop, ccid.log().log("card"));
    service.watch_presence([&](bool present) {
      callbacks_on_ui_thread = callbacks_on_ui_thread && std::this_thread::get_id() == ui_thread;
      presence.push_back(present);
      if (present) {
        service.read_identity(*profile, [&](Expected<IdentityRecord> r) {
          callbacks_on_ui_thread =
              callbacks_on_ui_thread && std::this_thread::get_id() == ui_thread;
          result = std::move(r);
        });
      }
    });
    ccid.fake().insert_card(SimulatedCard::demo_id_card());
    run_until(loop, [&] { return result.has_value(); });
    ccid.fake().remove_card();
    run_until(loop, [&] { return presence.size() >= 2; });
  }
  REQUIRE(result.has_value());
  REQUIRE_MESSAGE(result->has_value(), result->error().describe());
  CHECK((*result)->id_number == "9861031234");
  CHECK(presence == std::vector<bool>{true, false});
  CHECK(callbacks_on_ui_thread);
}

TEST_CASE("a reader unplugged in the middle of a transfer fails the read cleanly and for good") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = ccid.open_reader(CcidOptions{.command_timeout = 2000ms});
  REQUIRE(reader.has_value());
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  ccid.fake().unplug_on_next_xfr(&ccid.device());
  auto started = std::chrono::steady_clock::now();
  auto id = read_identity(**reader, *profile);
  REQUIRE_FALSE(id.has_value());
  CHECK(id.error().code == Errc::not_found);
  CHECK(std::chrono::steady_clock::now() - started < 2s);  // noticed at once, not by timeout
  ccid.testbed().unplug(ccid.device());
  auto after = (*reader)->slot_status();
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error().code == Errc::not_found);
  CHECK(ccid.log().contains("reader unplugged"));
}

TEST_CASE(
    "hot-plug: allowed readers arriving and leaving are posted to the event loop; others are not") {
  CapturedLog log;
  UsbTestbed testbed;
  auto allow = UsbAllowList::parse({"class:0b"});
  REQUIRE(allow.has_value());
  auto usb = UsbContext::open(log.log("usb"), *allow);
  REQUIRE(usb.has_value());
  EventLoop loop;
  std::vector<std::pair<UsbHotplugEvent::Kind, std::uint16_t>> events;
  REQUIRE((*usb)
              ->watch_hotplug(loop,
                              [&](const UsbHotplugEvent& e) {
                                events.emplace_back(e.kind, e.device.product_id);
                              })
              .has_value());

  auto reader = std::make_shared<FakeCcidReader>(FakeCcidConfig{.product_id = 0x0C2A},
                                                 SimulatedCard::demo_id_card());
  auto keyboard = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  auto& reader_device = testbed.plug(5, reader->descriptors(), reader);
  testbed.plug(6, keyboard->descriptors(), keyboard);
  run_until(loop, [&] { return !events.empty(); });
  REQUIRE(events.size() == 1);
  CHECK(events[0] == std::pair{UsbHotplugEvent::Kind::arrived, std::uint16_t{0x0C2A}});

  testbed.unplug(reader_device);
  run_until(loop, [&] { return events.size() >= 2; });
  REQUIRE(events.size() == 2);
  CHECK(events[1] == std::pair{UsbHotplugEvent::Kind::left, std::uint16_t{0x0C2A}});
}

TEST_CASE(
    "the supervisor attaches a reader plugged in later, detaches it when pulled, and reattaches") {
  CapturedLog log;
  UsbTestbed testbed;
  auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({"class:0b"}));
  REQUIRE(usb.has_value());
  EventLoop loop;
  WorkerPool workers(1);
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  CardService service(nullptr, workers, loop, log.log("card"));
  std::vector<bool> changes;
  CardReaderSupervisor supervisor(**usb, loop, workers, service, "ccid://1d6b:0c2b",
                                  log.log("sup"));
  REQUIRE(supervisor.start([&](bool connected) { changes.push_back(connected); }).has_value());

  auto read_once = [&] {
    std::optional<Expected<IdentityRecord>> result;
    service.read_identity(*profile, [&](Expected<IdentityRecord> r) { result = std::move(r); });
    run_until(loop, [&] { return result.has_value(); });
    REQUIRE(result.has_value());
    return std::move(*result);
  };
  auto none = read_once();
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message == "no card reader is connected");

  FakeCcidConfig config{.product_id = 0x0C2B, .exchange = FakeExchange::tpdu_t1};
  auto first = std::make_shared<FakeCcidReader>(config, SimulatedCard::demo_id_card());
  auto& first_device = testbed.plug(7, first->descriptors(), first);
  run_until(loop, [&] { return changes.size() >= 1; });
  REQUIRE(changes == std::vector<bool>{true});
  auto id = read_once();
  REQUIRE_MESSAGE(id.has_value(), id.error().describe());
  CHECK(id->id_number == "9861031234");

  testbed.unplug(first_device);
  run_until(loop, [&] { return changes.size() >= 2; });
  CHECK(changes == std::vector<bool>{true, false});
  CHECK_FALSE(service.has_reader());

  auto second = std::make_shared<FakeCcidReader>(config, SimulatedCard::demo_id_card());
  testbed.plug(8, second->descriptors(), second);
  run_until(loop, [&] { return changes.size() >= 3; });
  CHECK(changes == std::vector<bool>{true, false, true});
  auto again = read_once();
  REQUIRE_MESSAGE(again.has_value(), again.error().describe());
  CHECK(again->name_en == "AHMED BIN SALIM AL BALUSHI");
}

TEST_CASE("a hot-plug storm of readers ends with the one left plugged in attached, and it reads") {
  CapturedLog log;
  UsbTestbed testbed;
  auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({"class:0b"}));
  REQUIRE(usb.has_value());
  EventLoop loop;
  WorkerPool workers(1);
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  CardService service(nullptr, workers, loop, log.log("card"));
  std::vector<bool> changes;
  CardReaderSupervisor supervisor(**usb, loop, workers, service, "ccid://1d6b:0c2b",
                                  log.log("sup"));
  REQUIRE(supervisor.start([&](bool connected) { changes.push_back(connected); }).has_value());

  // Readers flapping faster than one can be opened: each arrival and removal is queued before
  // the kiosk sees the first. Only the last one stays.
  FakeCcidConfig config{.product_id = 0x0C2B, .exchange = FakeExchange::tpdu_t1};
  std::vector<std::shared_ptr<FakeCcidReader>> readers;
  for (int i = 0; i < 12; ++i) {
    readers.push_back(std::make_shared<FakeCcidReader>(config, SimulatedCard::demo_id_card()));
    auto& device = testbed.plug(20 + i, readers.back()->descriptors(), readers.back());
    if (i < 11) testbed.unplug(device);
  }
  // Settled: the last change says connected, and a read on the survivor succeeds.
  run_until(loop, [&] { return service.has_reader() && !changes.empty() && changes.back(); });
  auto settle_until = std::chrono::steady_clock::now() + 300ms;
  run_until(loop, [&] { return std::chrono::steady_clock::now() > settle_until; });
  REQUIRE_FALSE(changes.empty());
  CHECK(changes.back() == true);
  CHECK(service.has_reader());
  std::optional<Expected<IdentityRecord>> result;
  service.read_identity(*profile, [&](Expected<IdentityRecord> r) { result = std::move(r); });
  run_until(loop, [&] { return result.has_value(); });
  REQUIRE(result.has_value());
  REQUIRE_MESSAGE(result->has_value(), result->error().describe());
  CHECK((*result)->id_number == "9861031234");
  CHECK(readers.back()->xfr_blocks() > 0);  // the survivor read it, not a ghost
}
