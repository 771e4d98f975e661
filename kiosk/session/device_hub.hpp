// The kiosk's devices as the session sees them: for each one its status in the one model
// (kiosk/core/device_status.hpp) and, apart from it, the kind of error its last use met (a bad
// card, a declined or unreachable terminal). A failed use does not hide services: the session
// that met it handles it and the next citizen may do fine; a missing, unplugged, empty,
// jammed, full or broken device does.
//
// The hub decides what the menu offers and why the kiosk is out of service, feeds the
// heartbeat and the technician's screen. Devices report from their lanes through the UI thread.
//
// Threading: set_status() and used() on the UI thread (listeners run there); state(),
// snapshot() and heartbeat() from any thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/device_status.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

enum class DeviceId { card_reader, scanner, payment_terminal, printer, store };

std::string_view to_string(DeviceId device);
// "printer", "card_reader"... as bundles name them in "requires".
std::optional<DeviceId> device_named(std::string_view name);

struct DeviceState {
  DeviceStatus status = DeviceStatus::not_installed;
  std::optional<Errc> last_failure;  // the last use failed with this; cleared by a success
  bool operator==(const DeviceState&) const = default;
};

class DeviceHub {
 public:
  // A device changed state (its own report, a poll, a hot-plug). Clears no failure.
  void set_status(DeviceId device, DeviceStatus status);
  // A use finished: ok clears the last failure and brings an offline device back online; a
  // failure is remembered beside the status.
  void used(DeviceId device, std::optional<Errc> failure);

  // not_installed for a device nobody reported.
  DeviceState state(DeviceId device) const;
  std::vector<std::pair<DeviceId, DeviceState>> snapshot() const;
  // name -> status, and name.last_failure -> error kind when there is one: what the portal sees.
  std::vector<std::pair<std::string, std::string>> heartbeat() const;

  // Called on the UI thread after any device's state changed. Subscribe before devices start.
  void on_change(std::function<void()> listener) { m_listeners.push_back(std::move(listener)); }

 private:
  void update(DeviceId device, const std::function<void(DeviceState&)>& change);

  mutable std::mutex m_mutex;
  std::map<DeviceId, DeviceState> m_states;
  std::vector<std::function<void()>> m_listeners;
};

}  // namespace shubbak
