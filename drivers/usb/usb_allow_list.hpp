// Which USB devices the kiosk may open: by VID:PID ("076b:3021") or by interface class
// ("class:0b" for smart-card readers, "class:03" for HID). From the [usb] section of kiosk.toml.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/usb/usb_device.hpp"

namespace shubbak {

class UsbAllowList {
 public:
  // Refuses an entry that is neither form, naming it.
  static Expected<UsbAllowList> parse(const std::vector<std::string>& entries);

  bool allows(const UsbDeviceInfo& device) const;
  // By the device descriptor alone, before anything else of the device is read.
  bool allows_id(std::uint16_t vendor_id, std::uint16_t product_id) const;
  // Whether any entry needs the interface classes to decide.
  bool has_classes() const { return !m_classes.empty(); }
  bool empty() const { return m_ids.empty() && m_classes.empty(); }

 private:
  struct VidPid {
    std::uint16_t vendor_id;
    std::uint16_t product_id;
  };
  std::vector<VidPid> m_ids;
  std::vector<std::uint8_t> m_classes;
};

// One entry, checked on its own (config validation uses it).
Expected<void> check_usb_allow_entry(std::string_view entry);

}  // namespace shubbak
