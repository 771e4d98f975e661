// A small pool of threads for blocking work (USB transfers, printing, HTTPS, long SQLite work).
// Workers never touch the UI: a task that has a result posts it back with EventLoop::post().
//
// Threading: submit() from any thread. shutdown() (or the destructor) lets every task already
// submitted finish, then joins: nothing queued is dropped on a clean exit.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shubbak {

class WorkerPool {
 public:
  using Task = std::function<void()>;

  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Returns false once shutdown has begun: the task is refused, not silently dropped.
  bool submit(Task task);
  void shutdown();
  std::size_t size() const { return m_threads.size(); }

 private:
  void work();

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Task> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace shubbak
