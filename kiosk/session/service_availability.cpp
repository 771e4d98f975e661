#include "kiosk/session/service_availability.hpp"

namespace shubbak {

std::string out_of_service_key(DeviceId device, DeviceStatus status) {
  switch (device) {
    case DeviceId::printer:
      if (status == DeviceStatus::media_empty) return "out_of_service.printer_empty";
      if (status == DeviceStatus::jam || status == DeviceStatus::door_open)
        return "out_of_service.printer_jam";
      return "out_of_service.printer_offline";
    case DeviceId::card_reader:
      return "out_of_service.card_reader";
    case DeviceId::payment_terminal:
      return "out_of_service.payment_terminal";
    case DeviceId::scanner:
      return "out_of_service.scanner";
    case DeviceId::store:
      if (status == DeviceStatus::storage_full) return "out_of_service.storage_full";
      if (status == DeviceStatus::storage_damaged) return "out_of_service.storage_corrupt";
      return "out_of_service.storage_unavailable";  // e.g. it does not take a write
  }
  return "out_of_service.device";
}

ServiceAvailability assess_services(const workflow::Catalog& catalog, const DeviceHub& devices) {
  ServiceAvailability result;
  if (catalog.services.empty()) {
    result.out_of_service_reason = "out_of_service.no_services";
    return result;
  }
  // Every service ends in a stored transaction: a store that cannot take one stops them all,
  // before a citizen begins (and before anyone pays). A hub that never heard of a store (a test
  // without one) leaves it to the services' own requirements.
  if (DeviceStatus store = devices.state(DeviceId::store).status;
      store != DeviceStatus::not_installed && !usable(store)) {
    result.out_of_service_reason = out_of_service_key(DeviceId::store, store);
    return result;
  }
  std::string first_blocker;  // why the first hidden service was hidden
  for (const auto& service : catalog.services) {
    bool offerable = true;
    for (const auto& name : service->required_devices) {
      // Bundles are validated at load: an unknown device name never gets here, but if it
      // did, the service could not be served, so it is not offered.
      auto device = device_named(name);
      DeviceStatus status = device ? devices.state(*device).status : DeviceStatus::not_installed;
      if (device && usable(status)) continue;
      offerable = false;
      if (first_blocker.empty())
        first_blocker = device ? out_of_service_key(*device, status) : "out_of_service.device";
      break;
    }
    if (offerable) result.offered.push_back(service);
  }
  if (result.offered.empty()) result.out_of_service_reason = first_blocker;
  return result;
}

}  // namespace shubbak
