// The only file that includes <systemd/sd-daemon.h>.
#include "kiosk/app/service_notifier.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <systemd/sd-daemon.h>

namespace shubbak {

ServiceNotifier::ServiceNotifier(Log log) : m_log(std::move(log)) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  m_active = socket != nullptr && *socket != '\0';
  if (!m_active) return;
  // sd_watchdog_enabled() also checks WATCHDOG_PID, so a child started from the kiosk with our
  // environment never pings in our name. Not unset: a restart in place would need it again.
  std::uint64_t usec = 0;
  int enabled = sd_watchdog_enabled(0, &usec);
  if (enabled < 0) {
    m_log.warn("ignoring a malformed WATCHDOG_USEC: {}", std::strerror(-enabled));
  } else if (enabled > 0 && usec > 0) {
    // Half the manager's interval, as sd_watchdog_enabled(3) advises: one late ping is no kill.
    auto half = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::microseconds(static_cast<std::int64_t>(usec / 2)));
    m_ping_interval = std::max(half, std::chrono::milliseconds(1));
  }
}

ServiceNotifier::~ServiceNotifier() {
  if (m_loop && m_ping_timer) m_loop->cancel_timer(m_ping_timer);
}

void ServiceNotifier::ready(std::string_view status) {
  send(fmt::format("READY=1\nSTATUS={}", status));
}

void ServiceNotifier::status(std::string_view text) {
  send(fmt::format("STATUS={}", text));
}

void ServiceNotifier::start_watchdog(EventLoop& loop) {
  if (!m_active || !m_ping_interval || m_ping_timer) return;
  m_loop = &loop;
  m_ping_timer = loop.add_repeating_timer(*m_ping_interval, [this] { send("WATCHDOG=1"); });
  m_log.info("watchdog: pinging the service manager every {} ms", m_ping_interval->count());
}

void ServiceNotifier::stopping() {
  if (m_loop && m_ping_timer) m_loop->cancel_timer(m_ping_timer);
  m_ping_timer = 0;
  send("STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::send(std::string_view message) {
  if (!m_active) return;
  // A lost datagram is no reason to stop serving citizens: log it and carry on.
  int sent = sd_notify(0, std::string(message).c_str());
  if (sent < 0) m_log.warn("cannot notify the service manager: {}", std::strerror(-sent));
}

}  // namespace shubbak
