// Which services a citizen may start now, and when none can, why the kiosk is out of service.
// A service is offered only while every device it requires is usable (device_health.hpp): a
// citizen is never led into a service that the printer's empty roll would break at the end.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/app/device_health.hpp"
#include "kiosk/workflow/catalog.hpp"

namespace shubbak {

struct ServiceAvailability {
  std::vector<std::shared_ptr<const workflow::Bundle>> offered;
  // Empty while something is offered; else the messages.toml key of the reason.
  std::string out_of_service_reason;
};

// `device_state` gives a device's state by name ("printer", "card_reader", ...).
ServiceAvailability assess_services(
    const workflow::Catalog& catalog,
    const std::function<std::string(const std::string&)>& device_state);

// The messages.toml key that tells a citizen why a device in `state` stops the kiosk.
std::string out_of_service_key(const std::string& device, const std::string& state);

}  // namespace shubbak
