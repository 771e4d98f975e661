#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/signal_watcher.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("SIGTERM and SIGINT become a callback that stops the loop cleanly") {
  EventLoop loop;
  std::atomic<int> received = 0;
  auto watcher = SignalWatcher::start([&](int signal) {
    received = signal;
    loop.quit(0);
  });
  REQUIRE(watcher);
  loop.add_timer(10ms, [] { ::kill(::getpid(), SIGTERM); });
  loop.add_timer(5s, [&] { loop.quit(1); });
  CHECK(loop.run() == 0);
  CHECK(received == SIGTERM);

  received = 0;
  loop.add_timer(10ms, [] { ::kill(::getpid(), SIGINT); });
  loop.add_timer(5s, [&] { loop.quit(1); });
  CHECK(loop.run() == 0);
  CHECK(received == SIGINT);
}
