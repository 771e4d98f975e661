#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "kiosk/loop/event_loop.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("timers fire in due order on the loop's thread, not before they are due") {
  EventLoop loop;
  std::vector<int> order;
  auto start = EventLoop::Clock::now();
  std::chrono::milliseconds elapsed_at_first{};
  std::thread::id loop_thread;
  loop.add_timer(30ms, [&] {
    order.push_back(30);
    loop.quit(0);
  });
  loop.add_timer(10ms, [&] {
    order.push_back(10);
    elapsed_at_first =
        std::chrono::duration_cast<std::chrono::milliseconds>(EventLoop::Clock::now() - start);
    loop_thread = std::this_thread::get_id();
  });
  loop.add_timer(20ms, [&] { order.push_back(20); });
  CHECK(loop.run() == 0);
  CHECK(order == std::vector<int>{10, 20, 30});
  CHECK(elapsed_at_first >= 10ms);
  CHECK(loop_thread == std::this_thread::get_id());
}

TEST_CASE("a cancelled timer never fires; a repeating one fires until cancelled") {
  EventLoop loop;
  bool cancelled_fired = false;
  int beats = 0;
  auto doomed = loop.add_timer(5ms, [&] { cancelled_fired = true; });
  loop.cancel_timer(doomed);
  EventLoop::TimerId beat = 0;
  beat = loop.add_repeating_timer(2ms, [&] {
    if (++beats == 5) loop.cancel_timer(beat);  // cancelling itself from inside is allowed
  });
  loop.add_timer(60ms, [&] { loop.quit(0); });
  loop.run();
  CHECK_FALSE(cancelled_fired);
  CHECK(beats == 5);
}

TEST_CASE("post() from many threads runs every task on the loop thread, each thread's in order") {
  EventLoop loop;
  constexpr int k_threads = 4, k_tasks = 1000;
  std::vector<std::vector<int>> seen(k_threads);
  std::atomic<int> done = 0;
  bool off_thread = false;
  auto loop_thread = std::this_thread::get_id();
  std::vector<std::thread> posters;
  for (int t = 0; t < k_threads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < k_tasks; ++i) {
        loop.post([&, t, i] {
          off_thread |= std::this_thread::get_id() != loop_thread;
          seen[static_cast<std::size_t>(t)].push_back(i);
          if (++done == k_threads * k_tasks) loop.quit(7);
        });
      }
    });
  }
  loop.add_timer(10s, [&] { loop.quit(1); });  // bound: fail rather than hang
  int code = loop.run();
  for (auto& p : posters) p.join();
  CHECK(code == 7);
  CHECK_FALSE(off_thread);
  for (const auto& list : seen) {
    REQUIRE(list.size() == k_tasks);
    CHECK(std::is_sorted(list.begin(), list.end()));
  }
}

TEST_CASE("the loop sleeps while idle and a post from another thread wakes it at once") {
  EventLoop loop;
  int hooks = 0;
  loop.add_before_sleep([&] { ++hooks; });
  std::chrono::milliseconds woke_after{};
  auto posted_at = EventLoop::Clock::now();
  std::thread poster([&] {
    std::this_thread::sleep_for(100ms);
    posted_at = EventLoop::Clock::now();
    loop.post([&] {
      woke_after = std::chrono::duration_cast<std::chrono::milliseconds>(EventLoop::Clock::now() -
                                                                         posted_at);
      loop.quit(0);
    });
  });
  loop.add_timer(5s, [&] { loop.quit(1); });
  CHECK(loop.run() == 0);
  poster.join();
  // Idle for 100 ms: a busy loop would have run its before-sleep hook thousands of times.
  CHECK(hooks <= 3);
  CHECK(woke_after < 1000ms);
}

TEST_CASE("quit() from another thread stops run() with its exit code") {
  EventLoop loop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    loop.quit(3);
  });
  CHECK(loop.run() == 3);
  stopper.join();
}

TEST_CASE("a repeating timer does not fire a burst of missed beats after a stall") {
  EventLoop loop;
  int beats = 0;
  loop.add_repeating_timer(5ms, [&] { ++beats; });
  loop.add_timer(1ms, [&] { std::this_thread::sleep_for(50ms); });  // the UI thread stalls
  loop.add_timer(60ms, [&] { loop.quit(0); });
  loop.run();
  // About 2 beats after the stall plus one before; a burst would add ~10.
  CHECK(beats <= 5);
  CHECK(beats >= 1);
}

TEST_CASE("discard_pending destroys queued tasks and timers without running them") {
  EventLoop loop;
  auto held = std::make_shared<int>(0);
  bool ran = false;
  loop.add_timer(1ms, [&] { loop.quit(0); });
  loop.run();
  loop.post([&ran, held] { ran = true; });
  loop.add_timer(1ms, [&ran] { ran = true; });
  CHECK(held.use_count() == 2);
  loop.discard_pending();
  CHECK(held.use_count() == 1);  // the task and what it held are gone now, not at ~EventLoop
  loop.add_timer(20ms, [&] { loop.quit(0); });
  loop.run();
  CHECK_FALSE(ran);
}
