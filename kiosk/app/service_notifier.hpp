// Tells systemd how the kiosk is doing (the sd_notify protocol): READY=1 once the first frame
// is on the screen, STATUS= lines a technician sees in `systemctl status shubbak`, WATCHDOG=1
// pings and STOPPING=1 on a clean stop. Started by anything but a Type=notify service (no
// NOTIFY_SOCKET), every call does nothing.
//
// The watchdog pings come from a timer on the UI event loop, not from a thread of their own:
// a UI thread that hangs stops pinging, and systemd kills and restarts the kiosk.
//
// Threading: UI thread only.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"

namespace shubbak {

class ServiceNotifier final {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment once.
  explicit ServiceNotifier(Log log);
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  bool active() const { return m_active; }
  // Half the interval the service manager gave (WatchdogSec=), when it asked for pings.
  std::optional<std::chrono::milliseconds> ping_interval() const { return m_ping_interval; }

  // READY=1 together with the first status line.
  void ready(std::string_view status);
  void status(std::string_view text);
  // Pings on `loop` at ping_interval() until stopping() or destruction. The loop must outlive
  // this object or stopping() must be called first.
  void start_watchdog(EventLoop& loop);
  void stopping();

 private:
  void send(std::string_view message);

  Log m_log;
  bool m_active = false;
  std::optional<std::chrono::milliseconds> m_ping_interval;
  EventLoop* m_loop = nullptr;
  EventLoop::TimerId m_ping_timer = 0;
};

}  // namespace shubbak
