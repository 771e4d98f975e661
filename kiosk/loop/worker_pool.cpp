#include "kiosk/loop/worker_pool.hpp"

namespace shubbak {

WorkerPool::WorkerPool(std::size_t threads) {
  m_threads.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  shutdown();
}

bool WorkerPool::submit(Task task) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) return false;
    m_queue.push_back(std::move(task));
  }
  m_cv.notify_one();
  return true;
}

void WorkerPool::shutdown() {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping && m_threads.empty()) return;
    m_stopping = true;
  }
  m_cv.notify_all();
  for (auto& thread : m_threads) {
    if (thread.joinable()) thread.join();
  }
  m_threads.clear();
}

void WorkerPool::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_queue.empty()) return;  // stopping, and everything submitted has run
      task = std::move(m_queue.front());
      m_queue.pop_front();
    }
    task();
  }
}

}  // namespace shubbak
