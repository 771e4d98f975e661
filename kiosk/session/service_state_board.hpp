// The shell's out-of-service reason as other threads read it: the uploader's heartbeat tells the
// portal what the screen tells the citizen (no services installed, a device missing, a full
// store, a technician's hold), not only what the store knows. The shell's state lives on the UI
// thread; this is the one copy that crosses threads.
//
// Threading: set() on the UI thread, out_of_service() from any thread.
#pragma once

#include <mutex>
#include <optional>
#include <string>

namespace shubbak {

class ServiceStateBoard {
 public:
  // The messages.toml key of the reason on screen; empty while the kiosk serves.
  void set(std::string reason_key) {
    std::lock_guard lock(m_mutex);
    m_reason = std::move(reason_key);
  }
  std::optional<std::string> out_of_service() const {
    std::lock_guard lock(m_mutex);
    if (m_reason.empty()) return std::nullopt;
    return m_reason;
  }

 private:
  mutable std::mutex m_mutex;
  std::string m_reason;
};

}  // namespace shubbak
