#include <doctest/doctest.h>

#include <thread>

#include "drivers/card/card_service.hpp"
#include "drivers/card/sim/sim_card_reader.hpp"
#include "drivers/usb/usb_device.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {

void run_until(EventLoop& loop, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  auto timer = loop.add_repeating_timer(2ms, [&] {
    if (done() || std::chrono::steady_clock::now() > deadline) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
}

}  // namespace

TEST_CASE("readers open by URI; bad URIs are refused with what was expected") {
  Logger logger(LogLevel::error);
  Log log(logger, "card");
  auto sim = open_card_reader("sim://demo", nullptr, log);
  REQUIRE(sim.has_value());
  CHECK((*sim)->describe() == "sim://demo");
  CHECK(open_card_reader("pcsc://reader", nullptr, log).error().code == Errc::config);
  CHECK(open_card_reader("ccid://076b", nullptr, log).error().code == Errc::config);
  CHECK(open_card_reader("ccid://", nullptr, log).error().code == Errc::unsupported);
  UsbDeviceInfo reader{0x076B, 0x3021, 1, 4, {UsbInterfaceInfo{0, 0x0B, 0, 0, {}, {}}}};
  UsbDeviceInfo keyboard{0x076B, 0x3021, 1, 5, {UsbInterfaceInfo{0, 0x03, 1, 1, {}, {}}}};
  CHECK(ccid_uri_matches("ccid://", reader));
  CHECK(ccid_uri_matches("ccid://076b:3021", reader));
  CHECK_FALSE(ccid_uri_matches("ccid://076b:3022", reader));
  CHECK_FALSE(ccid_uri_matches("ccid://076b:3021", keyboard));
}

TEST_CASE(
    "the card service reads on a worker, answers on the loop, and refuses a second read "
    "meanwhile") {
  Logger logger(LogLevel::error);
  EventLoop loop;
  WorkerPool workers(2);
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  auto reader = std::make_unique<SimCardReader>(SimulatedCard::demo_id_card(), true);
  reader->set_latency(5ms);  // the read takes tens of milliseconds, like a real card's
  std::vector<Expected<IdentityRecord>> results;
  std::vector<std::thread::id> threads;
  {
    CardService service(std::move(reader), workers, loop, Log(logger, "card"));
    auto done = [&](Expected<IdentityRecord> r) {
      threads.push_back(std::this_thread::get_id());
      results.push_back(std::move(r));
    };
    service.read_identity(*profile, done);
    service.read_identity(*profile, done);  // while the first runs
    run_until(loop, [&] { return results.size() >= 2; });
  }
  REQUIRE(results.size() == 2);
  // The refusal comes first, the identity later.
  REQUIRE_FALSE(results[0].has_value());
  CHECK(results[0].error().code == Errc::cancelled);
  REQUIRE(results[1].has_value());
  CHECK(results[1]->id_number == "9861031234");
  for (auto id : threads) CHECK(id == std::this_thread::get_id());
}
