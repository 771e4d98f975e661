#include "kiosk/loop/signal_watcher.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace shubbak {

Expected<std::unique_ptr<SignalWatcher>> SignalWatcher::start(std::function<void(int)> on_signal) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  if (int rc = pthread_sigmask(SIG_BLOCK, &signals, nullptr); rc != 0) {
    return fail_errno(Errc::internal, "pthread_sigmask", rc);
  }
  int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
  if (signal_fd < 0) return fail_errno(Errc::io, "signalfd", errno);
  int stop_fd = eventfd(0, EFD_CLOEXEC);
  if (stop_fd < 0) {
    int saved = errno;
    ::close(signal_fd);
    return fail_errno(Errc::io, "eventfd", saved);
  }
  return std::unique_ptr<SignalWatcher>(
      new SignalWatcher(signal_fd, stop_fd, std::move(on_signal)));
}

SignalWatcher::SignalWatcher(int signal_fd, int stop_fd, std::function<void(int)> on_signal)
    : m_signal_fd(signal_fd), m_stop_fd(stop_fd), m_on_signal(std::move(on_signal)) {
  m_thread = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(m_stop_fd, &one, sizeof one);
  m_thread.join();
  ::close(m_signal_fd);
  ::close(m_stop_fd);
}

void SignalWatcher::watch() {
  for (;;) {
    pollfd fds[2] = {{m_signal_fd, POLLIN, 0}, {m_stop_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(m_signal_fd, &info, sizeof info) == sizeof info) {
        m_on_signal(static_cast<int>(info.ssi_signo));
      }
    }
  }
}

}  // namespace shubbak
