// The state of each device as the kiosk last saw it ("ok", "absent", "none", "fault:device"),
// for the heartbeat the portal receives and, later, the technician's screen. Set on the UI
// thread, read by the uploader's thread: every call is thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace shubbak {

class DeviceHealthBoard {
 public:
  void set(const std::string& device, std::string state) {
    std::lock_guard lock(m_mutex);
    m_states[device] = std::move(state);
  }

  std::vector<std::pair<std::string, std::string>> snapshot() const {
    std::lock_guard lock(m_mutex);
    return {m_states.begin(), m_states.end()};
  }

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_states;
};

}  // namespace shubbak
