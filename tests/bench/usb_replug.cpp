// tests/bench/usb_replug: how fast the kiosk notices a card reader and a scanner being pulled
// out and put back, and whether plug cycles cost memory. The kiosk's own ReaderDevices (the
// card lane and the scanner lane, the reader supervisor, the scanner's retry) over the umockdev
// harness with the real libusb: each cycle unplugs both devices, waits until each is reported
// gone (detect), plugs fresh ones and waits until each is reported back (recover); every 10th
// cycle reads the card to show the reader really serves. After each cycle the harness forgets
// the devices of the cycle before (UsbTestbed::forget), so its own memory stays flat.
//
// Prints the median, 95th percentile and worst of each time, then RSS and heap in use
// (mallinfo2) after a warm-up of 10 cycles and after the last, and the growth per cycle.
// Run under umockdev-wrapper:  umockdev-wrapper bench_usb_replug CYCLES ASSETS_DIR
// With --harness-only after them: the control, the same cycles with nothing but a UsbContext
// listening (libusb and the harness), to tell their growth from the kiosk's.
#include <malloc.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"
#include "kiosk/session/reader_devices.hpp"
#include "tests/support/usb/fake_ccid_reader.hpp"
#include "tests/support/usb/fake_hid_keyboard.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Counts the lines as the kiosk's journal would take them, without keeping them: a kept log
// would grow with every cycle and hide what the devices' code does.
class CountingSink final : public LogSink {
 public:
  void write(const LogRecord& record) override {
    ++lines;
    if (record.level >= LogLevel::warn) ++warnings;
  }
  std::size_t lines = 0;
  std::size_t warnings = 0;
};

struct Memory {
  long rss_kib = 0;
  std::size_t heap_bytes = 0;  // in use: small blocks plus mmapped ones
};

Memory memory_now() {
  Memory m;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) m.rss_kib = std::stol(line.substr(6));
  }
  struct mallinfo2 info = mallinfo2();
  m.heap_bytes = info.uordblks + info.hblkhd;
  return m;
}

// Runs the loop until `done`, for at most `limit`; the time it took, or -1 when it ran out.
double run_until(EventLoop& loop, const std::function<bool()>& done,
                 std::chrono::milliseconds limit = 5s) {
  auto started = Clock::now();
  auto deadline = started + limit;
  auto timer = loop.add_repeating_timer(1ms, [&] {
    if (done() || Clock::now() > deadline) loop.quit(0);
  });
  if (!done()) loop.run();
  loop.cancel_timer(timer);
  if (!done()) return -1;
  return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

struct Times {
  const char* name;
  std::vector<double> ms;
  void print() {
    if (ms.empty()) return;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      return ms[static_cast<std::size_t>(q * static_cast<double>(ms.size() - 1))];
    };
    std::printf("%-36s %8.1f %8.1f %8.1f %6zu\n", name, at(0.5), at(0.95), ms.back(), ms.size());
  }
};

// The control: the same plug cycles seen only by a UsbContext's hot-plug listener (libusb and
// the umockdev harness, nothing of the kiosk's device code). Growth here is not the kiosk's.
int harness_only(int cycles) {
  Logger logger(LogLevel::info);
  UsbTestbed testbed;
  auto usb = UsbContext::open(Log(logger, "usb"), *UsbAllowList::parse({"class:0b", "1d6b:0c3b"}));
  if (!usb) return 1;
  EventLoop loop;
  int present = 0;
  if (!(*usb)->watch_hotplug(loop, [&](const UsbHotplugEvent& e) {
        present += e.kind == UsbHotplugEvent::Kind::arrived ? 1 : -1;
      }))
    return 1;
  auto reader_fake = std::make_shared<FakeCcidReader>(FakeCcidConfig{.product_id = 0x0C2C},
                                                      SimulatedCard::demo_id_card());
  auto scanner_fake = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  EmulatedUsbDevice* reader = &testbed.plug(10, reader_fake->descriptors(), reader_fake);
  EmulatedUsbDevice* scanner = &testbed.plug(20, scanner_fake->descriptors(), scanner_fake);
  if (run_until(loop, [&] { return present == 2; }) < 0) return 1;
  Memory warm{};
  EmulatedUsbDevice* previous[2] = {nullptr, nullptr};
  for (int cycle = 0; cycle < cycles; ++cycle) {
    testbed.unplug(*reader);
    testbed.unplug(*scanner);
    if (run_until(loop, [&] { return present == 0; }) < 0) return 1;
    for (auto* gone : previous)
      if (gone) testbed.forget(*gone);
    previous[0] = reader;
    previous[1] = scanner;
    reader_fake = std::make_shared<FakeCcidReader>(FakeCcidConfig{.product_id = 0x0C2C},
                                                   SimulatedCard::demo_id_card());
    scanner_fake = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
    reader = &testbed.plug(10 + (cycle + 1) % 2, reader_fake->descriptors(), reader_fake);
    scanner = &testbed.plug(20 + (cycle + 1) % 2, scanner_fake->descriptors(), scanner_fake);
    if (run_until(loop, [&] { return present == 2; }) < 0) return 1;
    if (cycle + 1 == std::min(10, cycles) || (cycles >= 100 && (cycle + 1) % (cycles / 4) == 0)) {
      malloc_trim(0);
      Memory now = memory_now();
      if (cycle + 1 == std::min(10, cycles)) warm = now;
      std::printf("harness only, after %5d cycles: RSS %ld KiB, heap in use %zu bytes\n", cycle + 1,
                  now.rss_kib, now.heap_bytes);
      std::fflush(stdout);
    }
  }
  malloc_trim(0);
  Memory last = memory_now();
  std::printf(
      "harness only, growth over the last %d cycles: heap %+ld bytes (%+.1f bytes a cycle)\n",
      cycles - 10, static_cast<long>(last.heap_bytes) - static_cast<long>(warm.heap_bytes),
      (static_cast<double>(last.heap_bytes) - static_cast<double>(warm.heap_bytes)) /
          std::max(1, cycles - 10));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int cycles = argc > 1 ? std::atoi(argv[1]) : 1000;
  std::string assets = argc > 2 ? argv[2] : "assets";
  if (argc > 3 && std::string_view(argv[3]) == "--harness-only") return harness_only(cycles);
  Logger logger(LogLevel::info);
  auto sink = std::make_unique<CountingSink>();
  CountingSink& counted = *sink;
  logger.add_sink(std::move(sink));
  UsbTestbed testbed;
  auto reader_behaviour = [] {
    return std::make_shared<FakeCcidReader>(
        FakeCcidConfig{.product_id = 0x0C2C, .exchange = FakeExchange::tpdu_t1},
        SimulatedCard::demo_id_card());
  };
  auto scanner_behaviour = [] { return std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B); };
  auto reader_fake = reader_behaviour();
  auto scanner_fake = scanner_behaviour();
  EmulatedUsbDevice* reader = &testbed.plug(10, reader_fake->descriptors(), reader_fake);
  EmulatedUsbDevice* scanner = &testbed.plug(20, scanner_fake->descriptors(), scanner_fake);

  Config config;
  config.usb.allow = {"class:0b", "1d6b:0c3b"};
  config.card.reader = "ccid://1d6b:0c2c";
  config.scanner.reader = "hid://1d6b:0c3b";
  EventLoop loop;
  WorkerPool card_lane(1);
  WorkerPool scanner_lane(1);
  // Each change is stamped when its listener runs on the loop, as the kiosk's hub would see it.
  bool reader_up = false;
  bool scanner_up = false;
  Clock::time_point reader_changed{};
  Clock::time_point scanner_changed{};
  ReaderDevices::Listeners listeners{[](Scan) {},
                                     [&](bool up) {
                                       reader_up = up;
                                       reader_changed = Clock::now();
                                     },
                                     [&](bool up) {
                                       scanner_up = up;
                                       scanner_changed = Clock::now();
                                     }};
  auto devices = ReaderDevices::open(config, assets, loop, card_lane, scanner_lane,
                                     Log(logger, "devices"), listeners);
  if (!devices) {
    std::fprintf(stderr, "open: %s\n", devices.error().describe().c_str());
    return 1;
  }
  if (run_until(loop, [&] { return reader_up && scanner_up; }) < 0) {
    std::fprintf(stderr, "the devices did not come up at start\n");
    return 1;
  }

  Times reader_detect{"card reader: unplug to detected", {}};
  Times reader_recover{"card reader: plug to attached", {}};
  Times reader_read{"card reader: plug to a card read", {}};
  Times scanner_detect{"scanner: unplug to detected", {}};
  Times scanner_recover{"scanner: plug to re-opened", {}};
  Memory warm{};
  int failures = 0;
  int reads_ok = 0;
  int reads = 0;
  EmulatedUsbDevice* previous_reader = nullptr;
  EmulatedUsbDevice* previous_scanner = nullptr;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    auto reader_unplugged = Clock::now();
    testbed.unplug(*reader);
    auto scanner_unplugged = Clock::now();
    testbed.unplug(*scanner);
    if (run_until(loop, [&] { return !reader_up && !scanner_up; }) < 0) {
      std::fprintf(stderr, "cycle %d: an unplug was not noticed within 5 s\n", cycle);
      ++failures;
      break;
    }
    reader_detect.ms.push_back(ms_between(reader_unplugged, reader_changed));
    scanner_detect.ms.push_back(ms_between(scanner_unplugged, scanner_changed));
    // The devices of the cycle before are closed by now: their emulation can go.
    if (previous_reader) testbed.forget(*previous_reader);
    if (previous_scanner) testbed.forget(*previous_scanner);
    previous_reader = reader;
    previous_scanner = scanner;

    reader_fake = reader_behaviour();
    scanner_fake = scanner_behaviour();
    auto plugged = Clock::now();
    reader = &testbed.plug(10 + (cycle + 1) % 2, reader_fake->descriptors(), reader_fake);
    auto scanner_plugged = Clock::now();
    scanner = &testbed.plug(20 + (cycle + 1) % 2, scanner_fake->descriptors(), scanner_fake);
    if (run_until(loop, [&] { return reader_up; }) < 0) {
      std::fprintf(stderr, "cycle %d: the reader did not come back within 5 s\n", cycle);
      ++failures;
      break;
    }
    reader_recover.ms.push_back(ms_between(plugged, reader_changed));
    if (cycle % 10 == 0) {
      std::optional<Expected<IdentityRecord>> result;
      (*devices)->card().read_identity((*devices)->card_profile(),
                                       [&](Expected<IdentityRecord> r) { result = std::move(r); });
      run_until(
          loop, [&] { return result.has_value(); }, 15s);
      ++reads;
      if (result && result->has_value()) {
        ++reads_ok;
        reader_read.ms.push_back(ms_between(plugged, Clock::now()));
      }
    }
    if (run_until(loop, [&] { return scanner_up; }) < 0) {
      std::fprintf(stderr, "cycle %d: the scanner did not come back within 5 s\n", cycle);
      ++failures;
      break;
    }
    scanner_recover.ms.push_back(ms_between(scanner_plugged, scanner_changed));
    if (cycle + 1 == std::min(10, cycles)) {
      malloc_trim(0);
      warm = memory_now();
    }
    // The trend, not only the ends: a leak grows steadily, a warm-up levels off.
    if (cycles >= 100 && (cycle + 1) % (cycles / 4) == 0) {
      malloc_trim(0);
      Memory now = memory_now();
      std::printf("after %5d cycles: RSS %ld KiB, heap in use %zu bytes\n", cycle + 1, now.rss_kib,
                  now.heap_bytes);
      std::fflush(stdout);
    }
  }
  malloc_trim(0);
  Memory last = memory_now();

  std::printf("%d plug cycles of a CCID reader and a scanner (umockdev, real libusb)\n", cycles);
  std::printf("%-36s %8s %8s %8s %6s\n", "ms", "median", "p95", "worst", "n");
  reader_detect.print();
  reader_recover.print();
  reader_read.print();
  scanner_detect.print();
  scanner_recover.print();
  std::printf("card reads after a replug: %d of %d succeeded\n", reads_ok, reads);
  std::printf("log lines: %zu (%zu warnings), %.1f a cycle\n", counted.lines, counted.warnings,
              static_cast<double>(counted.lines) / std::max(1, cycles));
  int measured = std::max(1, cycles - 10);
  std::printf("memory after 10 cycles: RSS %ld KiB, heap in use %zu bytes\n", warm.rss_kib,
              warm.heap_bytes);
  std::printf("memory after %d cycles: RSS %ld KiB, heap in use %zu bytes\n", cycles, last.rss_kib,
              last.heap_bytes);
  std::printf(
      "growth over the last %d cycles: RSS %+ld KiB, heap %+ld bytes (%+.1f bytes a cycle)\n",
      measured, last.rss_kib - warm.rss_kib,
      static_cast<long>(last.heap_bytes) - static_cast<long>(warm.heap_bytes),
      (static_cast<double>(last.heap_bytes) - static_cast<double>(warm.heap_bytes)) / measured);
  if (reads_ok != reads) ++failures;
  return failures == 0 ? 0 : 1;
}
