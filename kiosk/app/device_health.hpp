// The state of each device as the kiosk last saw it, for the heartbeat the portal receives, the
// service menu (a service is offered only while the devices it needs are usable) and the
// technician's screen. States: "ok"; "none" (not installed); "absent" (unplugged); a printer's
// state name ("media-low", "media-empty", "jam", "door-open", "offline"); "fault:<errc>" (the
// last use failed: a bad card, a declined terminal; the device itself is there).
// set() runs on the UI thread; snapshot() and state() may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace shubbak {

// Whether a service that needs a device in `state` can be offered. A failed use ("fault:...")
// does not hide services: the session that met it handles it, and the next citizen may do fine;
// a device that is missing, unplugged, out of paper, jammed or unreachable does.
inline bool device_usable(const std::string& state) {
  return state == "ok" || state == "media-low" || state.starts_with("fault:");
}

class DeviceHealthBoard {
 public:
  void set(const std::string& device, std::string state) {
    {
      std::lock_guard lock(m_mutex);
      auto& slot = m_states[device];
      if (slot == state) return;
      slot = std::move(state);
    }
    for (const auto& listener : m_listeners) listener();
  }

  // "" for a device the kiosk has not reported yet.
  std::string state(const std::string& device) const {
    std::lock_guard lock(m_mutex);
    auto found = m_states.find(device);
    return found == m_states.end() ? std::string() : found->second;
  }

  std::vector<std::pair<std::string, std::string>> snapshot() const {
    std::lock_guard lock(m_mutex);
    return {m_states.begin(), m_states.end()};
  }

  // Called on the UI thread after any device's state changed. Subscribe before devices start.
  void on_change(std::function<void()> listener) { m_listeners.push_back(std::move(listener)); }

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_states;
  std::vector<std::function<void()>> m_listeners;
};

}  // namespace shubbak
