#include "kiosk/core/device_status.hpp"

namespace shubbak {

std::optional<DeviceStatus> device_status_named(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(DeviceStatus::storage_damaged); ++i) {
    auto status = static_cast<DeviceStatus>(i);
    if (to_string(status) == name) return status;
  }
  return std::nullopt;
}

}  // namespace shubbak
