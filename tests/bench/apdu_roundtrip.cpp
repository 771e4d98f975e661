// tests/bench/apdu_roundtrip: one APDU through the whole stack (CcidReader, T=1 or CCID APDU
// level, libusb, usbfs ioctls) to an emulated reader under umockdev and back, N times per
// exchange level. Prints median and p99 wall time per APDU, and CPU per APDU: of the calling
// thread (our code and libusb's submit/reap) and of the whole process (which also counts the
// emulated device's handler thread and libusb's event thread polling the emulated fd).
// Also times a whole identity read with the demo profile. Run under umockdev-wrapper:
//   umockdev-wrapper apdu_roundtrip [RUNS]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/card/card_profile.hpp"
#include "kiosk/core/hex.hpp"
#include "tests/bench/bench_stats.hpp"
#include "tests/support/usb/emulated_ccid.hpp"

using namespace shubbak;
using namespace shubbak::testing;

using bench_stats::percentile;

namespace {

double now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

int bench(const char* name, FakeExchange exchange, int runs) {
  EmulatedCcid ccid({.exchange = exchange});
  auto reader = ccid.open_reader();
  if (!reader || !(*reader)->power_on()) {
    std::fprintf(stderr, "%s: cannot open the emulated reader\n", name);
    return 1;
  }
  CommandApdu select{0x00, 0xA4, 0x04, 0x0C, *parse_hex("F05348554242414B4944"), std::nullopt};
  CommandApdu read{0x00, 0xB0, 0x82, 0x00, {}, 16};
  if (!transmit(**reader, select)) return 1;
  for (int i = 0; i < 50; ++i) (void)transmit(**reader, read);  // warm up
  std::vector<double> wall_us;
  wall_us.reserve(static_cast<std::size_t>(runs));
  double thread_cpu_start = now_ns(CLOCK_THREAD_CPUTIME_ID);
  double process_cpu_start = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < runs; ++i) {
    double start = now_ns(CLOCK_MONOTONIC);
    auto response = transmit(**reader, read);
    wall_us.push_back((now_ns(CLOCK_MONOTONIC) - start) / 1000.0);
    if (!response || !response->ok()) {
      std::fprintf(stderr, "%s: APDU %d failed\n", name, i);
      return 1;
    }
  }
  double thread_cpu_us = (now_ns(CLOCK_THREAD_CPUTIME_ID) - thread_cpu_start) / 1000.0 / runs;
  double process_cpu_us = (now_ns(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_start) / 1000.0 / runs;

  auto profile = load_card_profile(std::string(SHUBBAK_SOURCE_DIR) +
                                   "/assets/card-profiles/demo-national-id.json");
  std::vector<double> identity_ms;
  for (int i = 0; i < 20 && profile; ++i) {
    double start = now_ns(CLOCK_MONOTONIC);
    auto id = read_identity(**reader, *profile);
    identity_ms.push_back((now_ns(CLOCK_MONOTONIC) - start) / 1e6);
    if (!id) return 1;
  }
  std::printf(
      "apdu_roundtrip %-12s runs=%d median=%.1f us p99=%.1f us cpu/apdu: thread=%.1f us "
      "process=%.1f us"
      " | identity read median=%.2f ms\n",
      name, runs, percentile(wall_us, 0.5), percentile(wall_us, 0.99), thread_cpu_us,
      process_cpu_us, percentile(identity_ms, 0.5));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (runs < 10) runs = 10;
  try {
    int failures = bench("T=1 TPDU", FakeExchange::tpdu_t1, runs);
    failures += bench("short APDU", FakeExchange::short_apdu, runs);
    return failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apdu_roundtrip: %s\n", e.what());
    return 1;
  }
}
