// Cards and readers that keep every message legal and still try to never finish: S(IFS)
// floods, empty chained blocks, one-byte pieces each after a waiting-time extension on a slow
// reader. Each must end the read with a clear error within its bounds, counted in exchanges
// and in time, and leave the reader usable for the next card.
#include <doctest/doctest.h>

#include "drivers/card/card_service.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "tests/support/usb/emulated_ccid.hpp"

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

// After a hostile exchange: the reader says the card needs powering again, then serves.
void check_usable_again(CcidReader& reader) {
  auto unpowered = reader.transmit_raw(k_select_demo);
  REQUIRE_FALSE(unpowered.has_value());
  CHECK(unpowered.error().message == "card is not powered");
  auto atr = reader.power_on();
  REQUIRE_MESSAGE(atr.has_value(), atr.error().describe());
  auto selected = reader.transmit_raw(k_select_demo);
  REQUIRE_MESSAGE(selected.has_value(), selected.error().describe());
  CHECK(selected->ok());
  auto validity = reader.transmit_raw(k_read_validity);
  REQUIRE_MESSAGE(validity.has_value(), validity.error().describe());
  CHECK(std::string(validity->data.begin(), validity->data.end()) == "2031052020210521");
}

}  // namespace

TEST_CASE("T=1: the defaults bound one read to 10 s") {
  CHECK(CcidOptions{}.max_read_time == 10s);
}

TEST_CASE("T=1: a card answering every block with an IFS request is cut off after a few") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = powered_reader(ccid);
  int before = ccid.fake().xfr_blocks();
  // 2,000 would take the old, unbounded loop seconds and then succeed.
  ccid.fake().t1_ifs_requests(2000);
  auto flooded = reader->transmit_raw(k_select_demo);
  REQUIRE_FALSE(flooded.has_value());
  CHECK(flooded.error().code == Errc::device);
  CHECK(flooded.error().message.find("IFS requests in a row") != std::string::npos);
  CHECK(ccid.fake().xfr_blocks() - before <= T1Protocol::k_max_s_requests_per_block + 1);
  ccid.fake().t1_ifs_requests(0);
  check_usable_again(*reader);
}

TEST_CASE("T=1: a card sending empty chained blocks is cut off; short pieces still work") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = powered_reader(ccid);
  REQUIRE(reader->transmit_raw(k_select_demo)->ok());
  int before = ccid.fake().xfr_blocks();
  ccid.fake().t1_empty_chained_blocks(2000);
  auto empty = reader->transmit_raw(k_read_validity);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == Errc::device);
  CHECK(empty.error().message.find("empty chained blocks") != std::string::npos);
  CHECK(ccid.fake().xfr_blocks() - before <= T1Protocol::k_max_empty_chained_blocks + 2);
  ccid.fake().t1_empty_chained_blocks(0);
  check_usable_again(*reader);

  // One-byte pieces are legal: a short answer in 18 of them still arrives.
  ccid.fake().t1_answer_in_pieces(1, false);
  auto pieces = reader->transmit_raw(k_read_validity);
  REQUIRE_MESSAGE(pieces.has_value(), pieces.error().describe());
  CHECK(std::string(pieces->data.begin(), pieces->data.end()) == "2031052020210521");
}

TEST_CASE("T=1: a slow card asking for more time before every one-byte piece ends at the limit") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = powered_reader(ccid, CcidOptions{.max_read_time = 1500ms});
  REQUIRE(reader->transmit_raw(k_select_demo)->ok());
  // 18 pieces, each after a WTX, 100 ms per exchange: about 3.7 s if let run, every message
  // legal and within the per-block WTX bound.
  ccid.fake().t1_answer_in_pieces(1, true);
  ccid.fake().delay_each_command(100ms);
  auto started = std::chrono::steady_clock::now();
  auto held = reader->transmit_raw(k_read_validity);
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(held.has_value());
  CHECK(held.error().code == Errc::timeout);
  CHECK(held.error().message.find("ran out of time") != std::string::npos);
  CHECK(took >= 1400ms);
  CHECK(took < 2600ms);  // the limit, one delayed exchange and the bounded abort
  CHECK(ccid.fake().wtx_answered() >= 3);
  ccid.fake().delay_each_command(0ms);
  ccid.fake().t1_answer_in_pieces(0, false);
  check_usable_again(*reader);
}

TEST_CASE("a whole card read is bounded by the service's limit, however slow each exchange") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  EventLoop loop;
  WorkerPool workers(1);
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  CardService service(std::move(*reader), workers, loop, ccid.log().log("card"));
  service.set_max_read_time(1000ms);
  // Every exchange is within its own 10 s limit; together they are not.
  ccid.fake().delay_each_command(250ms);
  std::optional<Expected<IdentityRecord>> result;
  auto started = std::chrono::steady_clock::now();
  service.read_identity(*profile, [&](Expected<IdentityRecord> r) { result = std::move(r); });
  auto until = started + 10s;
  auto timer = loop.add_repeating_timer(5ms, [&] {
    if (result || std::chrono::steady_clock::now() > until) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->has_value());
  CHECK(result->error().code == Errc::timeout);
  CHECK(took < 3000ms);  // the limit, one slow exchange, the abort and the power-off

  // The next read, on a reader back to its normal pace, succeeds.
  ccid.fake().delay_each_command(0ms);
  service.set_max_read_time(10s);
  result.reset();
  service.read_identity(*profile, [&](Expected<IdentityRecord> r) { result = std::move(r); });
  until = std::chrono::steady_clock::now() + 10s;
  timer = loop.add_repeating_timer(5ms, [&] {
    if (result || std::chrono::steady_clock::now() > until) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
  REQUIRE(result.has_value());
  REQUIRE_MESSAGE(result->has_value(), result->error().describe());
  CHECK((*result)->id_number == "9861031234");
}

TEST_CASE("a reader too slow for the read's limit leaves itself usable for the next read") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  EventLoop loop;
  WorkerPool workers(1);
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE(profile.has_value());
  CardService service(std::move(*reader), workers, loop, ccid.log().log("card"));
  service.set_max_read_time(3000ms);
  auto read = [&] {
    std::optional<Expected<IdentityRecord>> result;
    service.read_identity(*profile, [&](Expected<IdentityRecord> r) { result = std::move(r); });
    auto until = std::chrono::steady_clock::now() + 10s;
    auto timer = loop.add_repeating_timer(5ms, [&] {
      if (result || std::chrono::steady_clock::now() > until) loop.quit(0);
    });
    loop.run();
    loop.cancel_timer(timer);
    return result;
  };
  // 1.5 s of the 3 s are for exchanges (the rest for the clean-up): status, power-on,
  // parameters and IFS take 1.1 s, and the read is cut in the middle of the chained SELECT.
  ccid.fake().delay_each_command(280ms);
  auto slow = read();
  REQUIRE(slow.has_value());
  REQUIRE_FALSE(slow->has_value());
  CHECK(slow->error().code == Errc::timeout);
  ccid.fake().delay_each_command(0ms);
  auto next = read();
  REQUIRE(next.has_value());
  std::string why = next->has_value() ? "" : next->error().describe() + "\n" + ccid.log().all();
  REQUIRE_MESSAGE(next->has_value(), why);
  CHECK((*next)->id_number == "9861031234");
}
