// The one status model every device reports in (card reader, scanner, payment terminal,
// printer, the transaction store): the session decides what it may offer from it, the
// heartbeat carries it to the portal, and the technician's screen shows it. Names are stable:
// they travel in heartbeats.
#pragma once

#include <optional>
#include <string_view>

namespace shubbak {

enum class DeviceStatus {
  not_installed,    // the kiosk has none configured
  online,           // ready
  busy,             // working for a citizen now
  offline,          // configured but not answering, or unplugged
  media_low,        // a printer low on paper: still prints
  media_empty,      // a printer out of paper
  jam,              // a printer's paper path is blocked
  door_open,        // a printer's cover is open
  card_present,     // a card reader with a card in it
  hardware_error,   // the device answers but reports a fault of its own
  storage_full,     // the store cannot write: no space left
  storage_damaged,  // the store cannot be trusted: corrupt, unreadable, moved aside
};

constexpr std::string_view to_string(DeviceStatus status) {
  switch (status) {
    case DeviceStatus::not_installed:
      return "not-installed";
    case DeviceStatus::online:
      return "online";
    case DeviceStatus::busy:
      return "busy";
    case DeviceStatus::offline:
      return "offline";
    case DeviceStatus::media_low:
      return "media-low";
    case DeviceStatus::media_empty:
      return "media-empty";
    case DeviceStatus::jam:
      return "jam";
    case DeviceStatus::door_open:
      return "door-open";
    case DeviceStatus::card_present:
      return "card-present";
    case DeviceStatus::hardware_error:
      return "hardware-error";
    case DeviceStatus::storage_full:
      return "storage-full";
    case DeviceStatus::storage_damaged:
      return "storage-damaged";
  }
  return "offline";
}

std::optional<DeviceStatus> device_status_named(std::string_view name);

// Whether a service that needs a device in `status` can be offered: a printer low on paper
// still prints and a busy reader will be free for the next citizen; a missing, unplugged,
// empty, jammed or broken one cannot serve.
constexpr bool usable(DeviceStatus status) {
  switch (status) {
    case DeviceStatus::online:
    case DeviceStatus::busy:
    case DeviceStatus::media_low:
    case DeviceStatus::card_present:
      return true;
    default:
      return false;
  }
}

}  // namespace shubbak
