#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "kiosk/loop/lane.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("a lane runs its work in order; the result comes back on the loop's thread") {
  EventLoop loop;
  Lane lane("test");
  std::vector<int> order;
  std::thread::id loop_thread = std::this_thread::get_id();
  bool on_loop = true;
  Liveness owner;
  for (int i = 0; i < 20; ++i) {
    REQUIRE(run_on_lane(
        lane, loop, owner.token(), [i] { return i; },
        [&](int n) {
          on_loop = on_loop && std::this_thread::get_id() == loop_thread;
          order.push_back(n);
          if (order.size() == 20) loop.quit(0);
        }));
  }
  auto guard = loop.add_timer(5s, [&] { loop.quit(1); });
  CHECK(loop.run() == 0);
  loop.cancel_timer(guard);
  CHECK(on_loop);
  std::vector<int> expected;
  for (int i = 0; i < 20; ++i) expected.push_back(i);
  CHECK(order == expected);
}

TEST_CASE("a result for an owner that is gone is dropped, but the work itself still runs") {
  EventLoop loop;
  Lane lane("test");
  std::atomic<int> ran = 0;
  bool delivered = false;
  {
    Liveness owner;
    run_on_lane(
        lane, loop, owner.token(), [&] { return ++ran; }, [&](int) { delivered = true; });
  }  // the owner goes before the lane runs the work's answer on the loop
  lane.shutdown();
  loop.post([&] { loop.quit(0); });
  loop.run();
  CHECK(ran == 1);
  CHECK_FALSE(delivered);
}

TEST_CASE("lanes do not wait for each other: a slow lane never delays another") {
  EventLoop loop;
  Lane slow("printer"), fast("payment");
  std::promise<void> release;
  std::shared_future<void> go = release.get_future().share();
  REQUIRE(slow.submit([go] { go.wait_for(10s); }));
  std::promise<int> answered;
  REQUIRE(fast.submit([&] { answered.set_value(42); }));
  auto future = answered.get_future();
  CHECK(future.wait_for(2s) == std::future_status::ready);
  release.set_value();
  slow.shutdown();
  fast.shutdown();
  CHECK_FALSE(slow.submit([] {}));  // refused once stopping, never silently dropped
}
