#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <doctest/doctest.h>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("shutdown runs every task already submitted before joining") {
  std::atomic<int> ran = 0;
  WorkerPool pool(2);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(pool.submit([&] {
      std::this_thread::sleep_for(1ms);
      ++ran;
    }));
  }
  pool.shutdown();
  CHECK(ran == 50);
  CHECK_FALSE(pool.submit([] {}));  // refused, and the caller knows
}

TEST_CASE("workers run off the UI thread and post results back to it") {
  EventLoop loop;
  WorkerPool pool(2);
  auto ui = std::this_thread::get_id();
  std::set<std::thread::id> worker_ids;
  std::thread::id result_thread;
  std::mutex ids;
  pool.submit([&] {
    {
      std::lock_guard lock(ids);
      worker_ids.insert(std::this_thread::get_id());
    }
    int answer = 6 * 7;  // blocking work would go here
    loop.post([&, answer] {
      result_thread = std::this_thread::get_id();
      loop.quit(answer);
    });
  });
  loop.add_timer(5s, [&] { loop.quit(-1); });
  CHECK(loop.run() == 42);
  CHECK(result_thread == ui);
  CHECK_FALSE(worker_ids.contains(ui));
}
