// The reader's status read as the reader reports it: a failed command is an error, not a
// card; a STALLed interrupt endpoint is cleared so card changes keep coming; and a storm of
// card changes reaches the UI thread as the latest state, not as one task per message.
#include <doctest/doctest.h>

#include <thread>

#include "drivers/card/card_service.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "tests/support/usb/emulated_ccid.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

TEST_CASE("a failed GetSlotStatus is an error, not a powered card; an empty slot stays a reading") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  REQUIRE((*reader)->power_on().has_value());
  CHECK(*(*reader)->slot_status() == IccStatus::active);
  ccid.fake().fail_next_slot_status(0xFB);  // hardware error, slot bits still "active"
  auto failed = (*reader)->slot_status();
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code != Errc::not_found);
  CHECK(failed.error().message.find("GetSlotStatus") != std::string::npos);
  CHECK(*(*reader)->slot_status() == IccStatus::active);  // the reader is still usable

  ccid.fake().remove_card();
  ccid.fake().fail_next_slot_status(0xFE);  // "card mute" with an empty slot: no card
  auto empty = (*reader)->slot_status();
  REQUIRE_MESSAGE(empty.has_value(), empty.error().describe());
  CHECK(*empty == IccStatus::absent);
}

TEST_CASE("a STALLed interrupt endpoint is cleared and card changes are seen again") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu}, std::nullopt);
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  ccid.fake().halt_interrupt_endpoint();
  auto stalled = (*reader)->wait_for_card_change(200ms);
  REQUIRE_FALSE(stalled.has_value());
  CHECK(stalled.error().code == Errc::device);
  ccid.fake().insert_card(SimulatedCard::demo_id_card());
  auto inserted = (*reader)->wait_for_card_change(2000ms);
  REQUIRE_MESSAGE(inserted.has_value(), inserted.error().describe());
  REQUIRE(inserted->has_value());
  CHECK(**inserted == true);
}

TEST_CASE("a storm of card changes reaches the UI thread as the latest state, once") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu}, std::nullopt);
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  EventLoop loop;
  WorkerPool workers(1);
  std::vector<bool> presence;
  {
    CardService service(std::move(*reader), workers, loop, ccid.log().log("card"));
    service.watch_presence([&](bool present) { presence.push_back(present); });
    for (int i = 0; i < 100; ++i) {
      ccid.fake().insert_card(SimulatedCard::demo_id_card());
      ccid.fake().remove_card();
    }
    ccid.fake().insert_card(SimulatedCard::demo_id_card());
    // Let the watcher read every message before the UI thread runs at all.
    for (int i = 0; i < 500 && ccid.fake().interrupt_pending() > 0; ++i)
      std::this_thread::sleep_for(10ms);
    CHECK(ccid.fake().interrupt_pending() == 0);
    std::this_thread::sleep_for(200ms);
    auto timer = loop.add_timer(200ms, [&] { loop.quit(0); });
    loop.run();
    (void)timer;
  }
  CHECK(presence == std::vector<bool>{true});
}
