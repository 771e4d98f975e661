#include "kiosk/session/device_hub.hpp"

namespace shubbak {

namespace {
constexpr std::pair<DeviceId, std::string_view> k_names[] = {
    {DeviceId::card_reader, "card_reader"},
    {DeviceId::scanner, "scanner"},
    {DeviceId::payment_terminal, "payment_terminal"},
    {DeviceId::printer, "printer"},
    {DeviceId::store, "store"}};
}

std::string_view to_string(DeviceId device) {
  for (const auto& [id, name] : k_names) {
    if (id == device) return name;
  }
  return "unknown";
}

std::optional<DeviceId> device_named(std::string_view name) {
  for (const auto& [id, known] : k_names) {
    if (known == name) return id;
  }
  return std::nullopt;
}

void DeviceHub::update(DeviceId device, const std::function<void(DeviceState&)>& change) {
  {
    std::lock_guard lock(m_mutex);
    DeviceState& slot = m_states[device];
    DeviceState before = slot;
    change(slot);
    if (slot == before) return;
  }
  for (const auto& listener : m_listeners) listener();
}

void DeviceHub::set_status(DeviceId device, DeviceStatus status) {
  update(device, [status](DeviceState& state) { state.status = status; });
}

void DeviceHub::used(DeviceId device, std::optional<Errc> failure) {
  update(device, [failure](DeviceState& state) {
    state.last_failure = failure;
    // It answered: whatever it was doing, it is there.
    if (!failure && state.status == DeviceStatus::offline) state.status = DeviceStatus::online;
  });
}

DeviceState DeviceHub::state(DeviceId device) const {
  std::lock_guard lock(m_mutex);
  auto found = m_states.find(device);
  return found == m_states.end() ? DeviceState{} : found->second;
}

std::vector<std::pair<DeviceId, DeviceState>> DeviceHub::snapshot() const {
  std::lock_guard lock(m_mutex);
  return {m_states.begin(), m_states.end()};
}

std::vector<std::pair<std::string, std::string>> DeviceHub::heartbeat() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [device, state] : snapshot()) {
    out.emplace_back(std::string(to_string(device)), std::string(to_string(state.status)));
    if (state.last_failure) {
      out.emplace_back(std::string(to_string(device)) + ".last_failure",
                       std::string(to_string(*state.last_failure)));
    }
  }
  return out;
}

}  // namespace shubbak
