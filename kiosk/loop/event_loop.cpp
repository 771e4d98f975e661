#include "kiosk/loop/event_loop.hpp"

#include <condition_variable>

namespace shubbak {

namespace {

class ConditionBackend final : public LoopBackend {
 public:
  void wait(std::optional<std::chrono::milliseconds> timeout) override {
    std::unique_lock lock(m_mutex);
    auto woken = [this] { return m_woken; };
    if (timeout) {
      m_cv.wait_for(lock, *timeout, woken);
    } else {
      m_cv.wait(lock, woken);
    }
    m_woken = false;
  }

  void wake() override {
    {
      std::lock_guard lock(m_mutex);
      m_woken = true;  // remembered, so a wake before the wait is not lost
    }
    m_cv.notify_one();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_woken = false;
};

}  // namespace

EventLoop::EventLoop()
    : m_own_backend(std::make_unique<ConditionBackend>()), m_backend(*m_own_backend) {}

EventLoop::EventLoop(LoopBackend& backend) : m_backend(backend) {}

EventLoop::~EventLoop() = default;

void EventLoop::post(Task task) {
  {
    std::lock_guard lock(m_posted_mutex);
    m_posted.push_back(std::move(task));
  }
  m_backend.wake();
}

void EventLoop::quit(int exit_code) {
  m_exit_code = exit_code;
  m_quit_requested = true;
  m_backend.wake();
}

EventLoop::TimerId EventLoop::add_timer(std::chrono::milliseconds delay, Task task) {
  TimerId id = m_next_timer_id++;
  auto due = Clock::now() + delay;
  m_timers.emplace(std::pair{due, id}, Timer{std::move(task), std::chrono::milliseconds{0}});
  m_timer_due.emplace(id, due);
  return id;
}

EventLoop::TimerId EventLoop::add_repeating_timer(std::chrono::milliseconds interval, Task task) {
  TimerId id = add_timer(interval, std::move(task));
  m_timers.find({m_timer_due.at(id), id})->second.interval = interval;
  return id;
}

void EventLoop::cancel_timer(TimerId id) {
  auto due = m_timer_due.find(id);
  if (due == m_timer_due.end()) return;
  m_timers.erase({due->second, id});
  m_timer_due.erase(due);
}

void EventLoop::discard_pending() {
  std::vector<Task> posted;
  {
    std::lock_guard lock(m_posted_mutex);
    posted.swap(m_posted);
  }
  posted.clear();  // outside the lock: a destructor may post
  m_timers.clear();
  m_timer_due.clear();
}

void EventLoop::add_before_sleep(Task hook) {
  m_before_sleep.push_back(std::move(hook));
}

void EventLoop::run_posted() {
  std::vector<Task> batch;
  {
    std::lock_guard lock(m_posted_mutex);
    batch.swap(m_posted);
  }
  for (auto& task : batch) task();
}

void EventLoop::run_due_timers() {
  auto now = Clock::now();
  // Only timers due now: a repeating timer re-armed below never runs twice in one pass.
  while (!m_timers.empty() && m_timers.begin()->first.first <= now && !m_quit_requested) {
    auto first = m_timers.begin();
    auto [due, id] = first->first;
    Timer timer = std::move(first->second);
    m_timers.erase(first);
    if (timer.interval.count() > 0) {
      // Re-arm from the due time, not from now, so a repeating timer does not drift; skip
      // missed beats rather than firing a burst after a stall.
      auto next = due + timer.interval;
      if (next <= now) next = now + timer.interval;
      m_timer_due[id] = next;
      m_timers.emplace(std::pair{next, id}, Timer{timer.task, timer.interval});
      timer.task();  // our own copy: the task may cancel or re-add timers safely
    } else {
      m_timer_due.erase(id);
      timer.task();
    }
  }
}

std::optional<std::chrono::milliseconds> EventLoop::time_to_next_timer() const {
  if (m_timers.empty()) return std::nullopt;
  auto wait = m_timers.begin()->first.first - Clock::now();
  if (wait <= Clock::duration::zero()) return std::chrono::milliseconds{0};
  // Round up so we never wake a hair early and spin.
  return std::chrono::ceil<std::chrono::milliseconds>(wait);
}

int EventLoop::run() {
  m_running = true;
  while (!m_quit_requested) {
    m_backend.dispatch();
    run_posted();
    run_due_timers();
    if (m_quit_requested) break;
    for (auto& hook : m_before_sleep) hook();
    bool has_posted;
    {
      std::lock_guard lock(m_posted_mutex);
      has_posted = !m_posted.empty();
    }
    if (!has_posted && !m_quit_requested) m_backend.wait(time_to_next_timer());
  }
  m_running = false;
  m_quit_requested = false;
  return m_exit_code;
}

}  // namespace shubbak
