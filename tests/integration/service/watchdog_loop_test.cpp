// The watchdog pings come from the UI event loop itself: while a task blocks the loop, no ping
// goes out (so systemd would kill a hung kiosk); when the loop runs again, they resume. Real
// sd_notify to a real socket, in this process.
#include <cstdlib>
#include <thread>

#include <doctest/doctest.h>

#include "kiosk/app/service_notifier.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Sets the variables systemd gives a Type=notify service for the scope of a test.
class ServiceEnvironment {
 public:
  ServiceEnvironment(const std::string& socket, std::chrono::microseconds watchdog) {
    ::setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    ::setenv("WATCHDOG_USEC", std::to_string(watchdog.count()).c_str(), 1);
    ::unsetenv("WATCHDOG_PID");
  }
  ~ServiceEnvironment() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
};

}  // namespace

TEST_CASE("a UI loop that hangs stops the watchdog pings; one that runs again resumes them") {
  testing::TempDir dir;
  testing::NotifySocket manager(dir / "notify");
  ServiceEnvironment environment(manager.notify_env().substr(std::string("NOTIFY_SOCKET=").size()),
                                 200ms);
  Logger logger(LogLevel::error);
  EventLoop loop;
  ServiceNotifier notifier(Log(logger, "service"));
  REQUIRE(notifier.active());
  REQUIRE(notifier.ping_interval() == 100ms);
  notifier.start_watchdog(loop);

  Clock::time_point hang_start, hang_end;
  loop.add_timer(300ms, [&] {
    hang_start = Clock::now();
    std::this_thread::sleep_for(800ms);  // the UI thread stuck, e.g. in a driver call
    hang_end = Clock::now();
  });
  loop.add_timer(1500ms, [&] {
    notifier.stopping();
    loop.quit(0);
  });
  CHECK(loop.run() == 0);

  std::vector<Clock::time_point> pings;
  bool stopped = false;
  for (int i = 0; i < 100; ++i) {
    auto message = manager.receive(200ms);
    if (!message) break;
    if (message->has("WATCHDOG=1")) pings.push_back(message->received);
    if (message->has("STOPPING=1")) stopped = true;
  }
  CHECK(stopped);
  int during = 0, before = 0, after = 0;
  for (auto ping : pings) {
    // A ping sent just as the hang began may arrive a moment later: allow 20 ms.
    if (ping < hang_start) {
      ++before;
    } else if (ping > hang_start + 20ms && ping < hang_end) {
      ++during;
    } else if (ping >= hang_end) {
      ++after;
    }
  }
  CAPTURE(before);
  CAPTURE(after);
  CHECK(before >= 2);
  CHECK(during == 0);  // systemd would see the watchdog expire (200 ms) and restart the kiosk
  CHECK(after >= 2);
}
