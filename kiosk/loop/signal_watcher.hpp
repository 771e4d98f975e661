// Turns SIGTERM and SIGINT into a callback on a thread of its own, so shutdown is ordinary code
// (the loop quits, workers drain, files close) instead of work inside a signal handler.
//
// Construct it in main before any other thread starts: it blocks the signals in the calling
// thread, and threads created afterwards inherit that mask.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "kiosk/core/error.hpp"

namespace shubbak {

class SignalWatcher {
 public:
  // `on_signal` runs on the watcher's thread with the signal number; post to the loop from it.
  static Expected<std::unique_ptr<SignalWatcher>> start(std::function<void(int)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  SignalWatcher(int signal_fd, int stop_fd, std::function<void(int)> on_signal);
  void watch();

  int m_signal_fd;
  int m_stop_fd;
  std::function<void(int)> m_on_signal;
  std::thread m_thread;
};

}  // namespace shubbak
