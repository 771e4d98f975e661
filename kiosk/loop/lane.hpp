// A lane is a serial executor: one thread that runs its tasks one after another, in the order
// they were handed over. Each device (card reader, payment terminal, printer) and the durable
// store has its own lane, so a print retry that sleeps or a TUF refresh with a long deadline
// never delays a payment or a commit, and the store's writes (transactions, then the audit
// entries about them) keep their order.
//
// run_on_lane() is the one hop from a lane back to the UI thread: it runs `work` on the lane,
// then posts `done(result)` to the event loop, where it runs only if the owner is still alive
// (a citizen who walked away takes their session with them; its late device results are dropped).
//
// Threading: submit(), run_on_lane() from any thread; `done` runs on the loop's thread.
// shutdown() (or the destructor) lets every task already handed over finish, then joins.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"

namespace shubbak {

class Lane {
 public:
  explicit Lane(std::string name) : m_name(std::move(name)), m_thread(1) {}
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  // False once shutdown has begun: the task is refused, never silently dropped.
  bool submit(WorkerPool::Task task) { return m_thread.submit(std::move(task)); }
  void shutdown() { m_thread.shutdown(); }
  const std::string& name() const { return m_name; }
  // For drivers that take a serial executor (they see a pool of one thread).
  WorkerPool& executor() { return m_thread; }

 private:
  std::string m_name;
  WorkerPool m_thread;
};

// Whether the object that asked for work still exists when the answer comes back. The owner
// keeps a Liveness member; callbacks hold its token(), which expires with the owner.
class Liveness {
 public:
  using Token = std::weak_ptr<const int>;
  Token token() const { return m_alive; }

 private:
  std::shared_ptr<const int> m_alive = std::make_shared<const int>(0);
};

// Runs `work()` on `lane`, then `done(result)` on the loop's thread if `owner` is still alive.
// The work itself always runs: a commit or a refund handed over must happen whoever waits.
// Returns false when the lane refused the work (the kiosk is stopping); `done` is then never
// called. `lane` is a Lane or any executor with the same submit() (a WorkerPool).
template <class Executor, class Work, class Done>
bool run_on_lane(Executor& lane, EventLoop& loop, Liveness::Token owner, Work work, Done done) {
  using Result = std::invoke_result_t<Work&>;
  return lane.submit(
      [&loop, owner = std::move(owner), work = std::move(work), done = std::move(done)]() mutable {
        auto result = std::make_shared<Result>(work());
        loop.post([owner, done = std::move(done), result]() mutable {
          if (owner.lock()) done(std::move(*result));
        });
      });
}

}  // namespace shubbak
