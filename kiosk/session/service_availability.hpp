// Which services a citizen may start now, and when none can, why the kiosk is out of service.
// A service is offered only while every device it requires is usable (device_hub.hpp): a
// citizen is never led into a service that the printer's empty roll would break at the end.
// Every service needs the store ("store" on the board): while it cannot take a transaction,
// nothing is offered.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kiosk/session/device_hub.hpp"
#include "kiosk/workflow/catalog.hpp"

namespace shubbak {

struct ServiceAvailability {
  std::vector<std::shared_ptr<const workflow::Bundle>> offered;
  // Empty while something is offered; else the messages.toml key of the reason.
  std::string out_of_service_reason;
};

ServiceAvailability assess_services(const workflow::Catalog& catalog, const DeviceHub& devices);

// The messages.toml key that tells a citizen why a device in `status` stops the kiosk.
std::string out_of_service_key(DeviceId device, DeviceStatus status);

}  // namespace shubbak
