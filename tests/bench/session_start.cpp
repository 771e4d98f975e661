// tests/bench/session_start: a citizen's session on the real headless UI (1920x1080, software
// renderer), with the kiosk's real services over a real store and the file printer.
//   - session start: from the citizen's pick on the menu to the first step's frame on screen;
//   - frame time p50/p99 of the session's first step screen redrawn;
//   - a short trip: pick, first step, cancel, end screen, back to the shell.
// Written against the shell and session interfaces only, so the same file measures the kiosk
// before and after a change to them (see the #if below).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "drivers/printer/file_printer.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/bench/bench_stats.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ui_harness.hpp"

#if __has_include("kiosk/session/device_hub.hpp")
#include "kiosk/session/device_hub.hpp"
#include "kiosk/session/device_lanes.hpp"
#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#define SHUBBAK_BENCH_SESSION_CORE 1
#else
#include "kiosk/app/device_health.hpp"
#include "kiosk/app/kiosk_services.hpp"
#include "kiosk/app/kiosk_shell.hpp"
#include "kiosk/loop/worker_pool.hpp"
#endif

using namespace shubbak;
using Clock = std::chrono::steady_clock;
using testing::TempDir;
using testing::UiHarness;

using bench_stats::ms;
using bench_stats::percentile;

namespace {

struct Kiosk {
  explicit Kiosk(UiHarness& h) {
    key = std::move(*DeviceKey::load_or_create(dir / "device-key.pem"));
    TransactionStore::Options store_options;
    store_options.path = dir / "journal.db";
    store_options.kiosk_id = "K-1";
    store_options.device_key = key.get();
    store_options.min_free_bytes = 1;
    store = std::move(*TransactionStore::open(store_options, Log(logger, "store")));
    printer = std::move(*FilePrinter::open(dir / "receipts", 576));
    KioskServices::Devices devices;
    devices.store = store.get();
    devices.printer = printer.get();
#ifdef SHUBBAK_BENCH_SESSION_CORE
    devices.hub = &health;
    services = std::make_unique<KioskServices>(h.ui(), h.loop(), lanes, devices, "K-1",
                                               Log(logger, "services"));
    for (auto device : {DeviceId::printer, DeviceId::card_reader, DeviceId::payment_terminal,
                        DeviceId::scanner}) {
      health.set_status(device, DeviceStatus::online);
    }
#else
    devices.health = &health;
    services = std::make_unique<KioskServices>(h.ui(), h.loop(), workers, devices, "K-1",
                                               Log(logger, "services"));
    for (const char* device : {"printer", "card_reader", "payment_terminal", "scanner"})
      health.set(device, "ok");
#endif
    KioskShell::Options options;
    options.welcome = {"K-1", "0.1.0"};
    shell = std::make_unique<KioskShell>(
        h.ui(), h.app(), *services, health,
        workflow::load_catalog(std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services"),
        [] {
          return CivilDate{2026, 11, 21};
        },
        options, Log(logger, "shell"));
    shell->on_session_end([this](workflow::EndResult) { ended = true; });
  }
  ~Kiosk() {
#ifdef SHUBBAK_BENCH_SESSION_CORE
    lanes.shutdown();
#else
    workers.shutdown();
#endif
  }

  TempDir dir;
  Logger logger{LogLevel::error};
#ifdef SHUBBAK_BENCH_SESSION_CORE
  DeviceLanes lanes;
  DeviceHub health;
#else
  WorkerPool workers{2};
  DeviceHealthBoard health;
#endif
  std::unique_ptr<DeviceKey> key;
  std::unique_ptr<TransactionStore> store;
  std::unique_ptr<FilePrinter> printer;
  std::unique_ptr<KioskServices> services;
  std::unique_ptr<KioskShell> shell;
  bool ended = false;
};

bool on_step(UiHarness& h, std::string_view element) {
  return h.app().screen()->find_element(element).has_value();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 40;
  UiHarness h(Language::ar);
  Kiosk kiosk(h);
  const char* service = "jordan.health.appointment";

  std::vector<double> starts, frames, whole;
  for (int i = 0; i < runs; ++i) {
    kiosk.shell->show_menu();
    h.settle();
    kiosk.ended = false;
    auto picked = Clock::now();
    h.tap(std::string("option:") + service);
    if (!h.run_until([&] {
          return kiosk.shell->session() && h.app().frames_drawn() > 0 && on_step(h, "primary");
        })) {
      std::fprintf(stderr, "session_start: the first step never showed\n");
      return 1;
    }
    h.settle();
    starts.push_back(ms(Clock::now() - picked));
    for (int f = 0; f < 10; ++f) {
      auto begin = Clock::now();
      Canvas& canvas = h.display().begin_frame();
      h.app().screen()->draw(canvas);
      h.display().present();
      frames.push_back(ms(Clock::now() - begin));
    }
    // Leave: cancel, then the end screen's button; the shell is back for the next citizen.
    h.tap("cancel");
    h.settle();
    h.tap("primary");
    if (!h.run_until([&] { return kiosk.ended; })) {
      std::fprintf(stderr, "session_start: the session did not end\n");
      return 1;
    }
    whole.push_back(ms(Clock::now() - picked));
    h.settle();
  }
  std::printf("session_start (%d sessions of %s, 1920x1080 headless, software renderer)\n", runs,
              service);
  std::printf("  pick -> first step on screen: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              percentile(starts, 0.5), percentile(starts, 0.99),
              *std::max_element(starts.begin(), starts.end()));
  std::printf("  first step frame redraw:      p50 %.2f ms, p99 %.2f ms (%zu frames)\n",
              percentile(frames, 0.5), percentile(frames, 0.99), frames.size());
  std::printf("  pick -> cancelled -> attract: p50 %.2f ms, p99 %.2f ms\n", percentile(whole, 0.5),
              percentile(whole, 0.99));
  return 0;
}
