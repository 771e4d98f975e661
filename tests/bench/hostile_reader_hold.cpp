// tests/bench/hostile_reader_hold: how long a hostile card or reader can hold one read, with
// the kiosk's default limits (CcidOptions{}, CardService's 10 s per whole read). Each row is
// one hostile behaviour on an emulated reader (umockdev, real libusb): the time until the read
// ended, the exchanges it took and the error it ended with, then whether the next read on the
// same reader succeeded. The last line is the longest hold. Run under umockdev-wrapper:
//   umockdev-wrapper hostile_reader_hold
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "drivers/card/card_service.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "tests/support/usb/emulated_ccid.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

struct Hostility {
  const char* name;
  std::function<void(FakeCcidReader&)> start;
  std::function<void(FakeCcidReader&)> stop;
};

std::optional<Expected<IdentityRecord>> read_once(CardService& service, EventLoop& loop,
                                                  const CardProfile& profile) {
  std::optional<Expected<IdentityRecord>> result;
  service.read_identity(profile, [&](Expected<IdentityRecord> r) { result = std::move(r); });
  auto until = std::chrono::steady_clock::now() + 60s;  // far past any bound under test
  auto timer = loop.add_repeating_timer(2ms, [&] {
    if (result || std::chrono::steady_clock::now() > until) loop.quit(0);
  });
  loop.run();
  loop.cancel_timer(timer);
  return result;
}

}  // namespace

int main() {
  auto profile = load_card_profile(std::string(SHUBBAK_SOURCE_DIR) +
                                   "/assets/card-profiles/demo-national-id.json");
  if (!profile) {
    std::fprintf(stderr, "profile: %s\n", profile.error().describe().c_str());
    return 1;
  }
  const Hostility hostile[] = {
      {"S(IFS) request answering every block", [](auto& f) { f.t1_ifs_requests(1000000); },
       [](auto& f) { f.t1_ifs_requests(0); }},
      {"empty chained I-blocks forever", [](auto& f) { f.t1_empty_chained_blocks(1000000); },
       [](auto& f) { f.t1_empty_chained_blocks(0); }},
      {"one-byte pieces, each after S(WTX)", [](auto& f) { f.t1_answer_in_pieces(1, true); },
       [](auto& f) { f.t1_answer_in_pieces(0, false); }},
      {"S(WTX x255) before every answer", [](auto& f) { f.t1_wtx_requests(1000000, 255); },
       [](auto& f) { f.t1_wtx_requests(0, 1); }},
      {"reader time extensions forever", [](auto& f) { f.time_extensions_before_answer(1000); },
       [](auto& f) { f.time_extensions_before_answer(0); }},
      {"reader silent (never answers)", [](auto& f) { f.ignore_next_commands(1000000); },
       [](auto& f) { f.ignore_next_commands(0); }},
      {"reader takes 2 s per command", [](auto& f) { f.delay_each_command(2000ms); },
       [](auto& f) { f.delay_each_command(0ms); }},
      {"pieces after S(WTX), 300 ms per command",
       [](auto& f) {
         f.t1_answer_in_pieces(1, true);
         f.delay_each_command(300ms);
       },
       [](auto& f) {
         f.t1_answer_in_pieces(0, false);
         f.delay_each_command(0ms);
       }},
  };
  std::printf("%-42s %10s %10s  %-9s %s\n", "hostile behaviour (whole identity read)", "held ms",
              "exchanges", "next read", "ended with");
  double longest = 0;
  int failures = 0;
  for (const auto& h : hostile) {
    EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
    auto reader = ccid.open_reader();
    if (!reader) {
      std::fprintf(stderr, "%s: %s\n", h.name, reader.error().describe().c_str());
      return 1;
    }
    EventLoop loop;
    WorkerPool workers(1);
    CardService service(std::move(*reader), workers, loop, ccid.log().log("card"));
    // A warm-up read: the card is known good before it turns hostile.
    auto good = read_once(service, loop, *profile);
    if (!good || !*good) {
      std::fprintf(stderr, "%s: the warm-up read failed\n", h.name);
      return 1;
    }
    h.start(ccid.fake());
    int before = ccid.fake().xfr_blocks();
    auto started = std::chrono::steady_clock::now();
    auto result = read_once(service, loop, *profile);
    double held =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    int exchanges = ccid.fake().xfr_blocks() - before;
    h.stop(ccid.fake());
    auto next = read_once(service, loop, *profile);
    bool next_ok = next && *next;
    std::string ended = !result               ? "no answer within 60 s"
                        : result->has_value() ? "succeeded"
                                              : result->error().describe();
    std::printf("%-42s %10.0f %10d  %-9s %s\n", h.name, held, exchanges, next_ok ? "ok" : "FAILED",
                ended.c_str());
    longest = std::max(longest, held);
    if (!next_ok || !result) ++failures;
    if (!next_ok)
      std::printf("  next read: %s\n", !next ? "no answer" : next->error().describe().c_str());
  }
  std::printf("longest hold of one read: %.0f ms (limit 10000 ms, clean-up included)\n", longest);
  return failures == 0 ? 0 : 1;
}
