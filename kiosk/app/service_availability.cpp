#include "kiosk/app/service_availability.hpp"

namespace shubbak {

std::string out_of_service_key(const std::string& device, const std::string& state) {
  if (device == "printer") {
    if (state == "media-empty") return "out_of_service.printer_empty";
    if (state == "jam" || state == "door-open") return "out_of_service.printer_jam";
    return "out_of_service.printer_offline";
  }
  if (device == "card_reader") return "out_of_service.card_reader";
  if (device == "payment_terminal") return "out_of_service.payment_terminal";
  if (device == "scanner") return "out_of_service.scanner";
  return "out_of_service.device";
}

ServiceAvailability assess_services(
    const workflow::Catalog& catalog,
    const std::function<std::string(const std::string&)>& device_state) {
  ServiceAvailability result;
  if (catalog.services.empty()) {
    result.out_of_service_reason = "out_of_service.no_services";
    return result;
  }
  std::string first_blocker;  // the device that hid the first hidden service, and its state
  std::string blocker_state;
  for (const auto& service : catalog.services) {
    bool usable = true;
    for (const auto& device : service->required_devices) {
      std::string state = device_state(device);
      if (device_usable(state)) continue;
      usable = false;
      if (first_blocker.empty()) {
        first_blocker = device;
        blocker_state = state;
      }
      break;
    }
    if (usable) result.offered.push_back(service);
  }
  if (result.offered.empty())
    result.out_of_service_reason = out_of_service_key(first_blocker, blocker_state);
  return result;
}

}  // namespace shubbak
