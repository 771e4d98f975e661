#include "drivers/usb/usb_allow_list.hpp"

#include <charconv>
#include <optional>

#include <fmt/format.h>

namespace shubbak {

namespace {

std::optional<unsigned> parse_hex_field(std::string_view text, std::size_t digits) {
  if (text.empty() || text.size() > digits) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string UsbDeviceInfo::describe() const {
  return fmt::format("{:03}/{:03} ({:04x}:{:04x})", bus, address, vendor_id, product_id);
}

const UsbInterfaceInfo* UsbDeviceInfo::find_interface(std::uint8_t class_code) const {
  for (const auto& interface : interfaces) {
    if (interface.class_code == class_code) return &interface;
  }
  return nullptr;
}

Expected<UsbAllowList> UsbAllowList::parse(const std::vector<std::string>& entries) {
  UsbAllowList list;
  for (const auto& entry : entries) {
    std::string_view text = entry;
    if (text.starts_with("class:")) {
      auto value = parse_hex_field(text.substr(6), 2);
      if (!value)
        return fail(Errc::config,
                    fmt::format("\"{}\": class must be 2 hex digits, as class:0b", entry));
      list.m_classes.push_back(static_cast<std::uint8_t>(*value));
      continue;
    }
    auto colon = text.find(':');
    auto vid =
        colon == std::string_view::npos ? std::nullopt : parse_hex_field(text.substr(0, colon), 4);
    auto pid =
        colon == std::string_view::npos ? std::nullopt : parse_hex_field(text.substr(colon + 1), 4);
    if (!vid || !pid) {
      return fail(Errc::config,
                  fmt::format("\"{}\" is neither VID:PID (076b:3021) nor class:XX", entry));
    }
    list.m_ids.push_back(
        VidPid{static_cast<std::uint16_t>(*vid), static_cast<std::uint16_t>(*pid)});
  }
  return list;
}

Expected<void> check_usb_allow_entry(std::string_view entry) {
  auto list = UsbAllowList::parse({std::string(entry)});
  if (!list) return std::unexpected(list.error());
  return {};
}

bool UsbAllowList::allows_id(std::uint16_t vendor_id, std::uint16_t product_id) const {
  for (const auto& id : m_ids) {
    if (id.vendor_id == vendor_id && id.product_id == product_id) return true;
  }
  return false;
}

bool UsbAllowList::allows(const UsbDeviceInfo& device) const {
  if (allows_id(device.vendor_id, device.product_id)) return true;
  for (auto class_code : m_classes) {
    if (device.find_interface(class_code) != nullptr) return true;
  }
  return false;
}

}  // namespace shubbak
