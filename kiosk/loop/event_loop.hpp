// The one event loop of the UI thread. Created in main and passed down.
//
// Threading: post() and quit() may be called from any thread; everything else belongs to the
// thread that calls run(). Timers run on the monotonic clock, so wall-clock jumps never fire or
// stall them. The loop sleeps when it has nothing to do: no timer due, nothing posted, no input.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "kiosk/loop/loop_backend.hpp"

namespace shubbak {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;
  using TimerId = std::uint64_t;

  // Without a backend the loop sleeps on a condition variable.
  EventLoop();
  explicit EventLoop(LoopBackend& backend);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Any thread. Tasks run on the UI thread in the order posted.
  void post(Task task);
  // Any thread. run() returns `exit_code` after the current iteration.
  void quit(int exit_code);

  // UI thread. A one-shot or repeating timer; returns an id for cancel_timer().
  TimerId add_timer(std::chrono::milliseconds delay, Task task);
  TimerId add_repeating_timer(std::chrono::milliseconds interval, Task task);
  void cancel_timer(TimerId id);

  // UI thread. Called once per iteration after events and tasks, before sleeping: where a
  // display draws a frame if anything changed.
  void add_before_sleep(Task hook);

  // UI thread. Runs until quit(); returns its exit code.
  int run();

  bool running() const { return m_running; }

  // UI thread, after run(): destroys the tasks still queued and the timers, unrun. Call it while
  // the objects those tasks hold on to (screens, the UI context) are still alive, so they are
  // not destroyed later by ~EventLoop, after what they refer to.
  void discard_pending();

 private:
  struct Timer {
    Task task;
    std::chrono::milliseconds interval;  // zero for one-shot
  };

  void run_posted();
  void run_due_timers();
  std::optional<std::chrono::milliseconds> time_to_next_timer() const;

  std::unique_ptr<LoopBackend> m_own_backend;
  LoopBackend& m_backend;

  std::mutex m_posted_mutex;
  std::vector<Task> m_posted;

  std::map<std::pair<Clock::time_point, TimerId>, Timer> m_timers;
  std::map<TimerId, Clock::time_point> m_timer_due;
  TimerId m_next_timer_id = 1;

  std::vector<Task> m_before_sleep;
  std::atomic<bool> m_quit_requested = false;
  std::atomic<int> m_exit_code = 0;
  bool m_running = false;
};

}  // namespace shubbak
