// How the event loop sleeps and is woken. The default backend is a condition variable; the
// display replaces it with one that sleeps inside SDL's event queue, so input and posted work
// wake the same single UI thread.
#pragma once

#include <chrono>
#include <optional>

namespace shubbak {

class LoopBackend {
 public:
  virtual ~LoopBackend() = default;

  // UI thread: sleep until woken, until platform input arrives, or until `timeout` passes
  // (forever when empty). May return early.
  virtual void wait(std::optional<std::chrono::milliseconds> timeout) = 0;

  // Any thread: make a current or the next wait() return promptly.
  virtual void wake() = 0;

  // UI thread: deliver pending platform events (input) to their handlers. Never blocks.
  virtual void dispatch() {}
};

}  // namespace shubbak
