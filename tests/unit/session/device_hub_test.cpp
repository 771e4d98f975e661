#include <doctest/doctest.h>

#include <algorithm>

#include "kiosk/session/device_hub.hpp"
#include "kiosk/session/service_availability.hpp"

using namespace shubbak;

TEST_CASE("device hub: one status model, failures beside it, listeners only on change") {
  DeviceHub hub;
  int changes = 0;
  hub.on_change([&] { ++changes; });
  CHECK(hub.state(DeviceId::printer).status == DeviceStatus::not_installed);  // nobody reported

  hub.set_status(DeviceId::printer, DeviceStatus::online);
  hub.set_status(DeviceId::printer, DeviceStatus::online);  // no change, no call
  CHECK(changes == 1);

  hub.set_status(DeviceId::payment_terminal, DeviceStatus::online);
  hub.used(DeviceId::payment_terminal, Errc::device);
  CHECK(hub.state(DeviceId::payment_terminal).status == DeviceStatus::online);  // still there
  CHECK(hub.state(DeviceId::payment_terminal).last_failure == Errc::device);
  hub.used(DeviceId::payment_terminal, std::nullopt);
  CHECK_FALSE(hub.state(DeviceId::payment_terminal).last_failure.has_value());
  CHECK(changes == 4);

  // A reader thought gone that answers is back online.
  hub.set_status(DeviceId::card_reader, DeviceStatus::offline);
  hub.used(DeviceId::card_reader, std::nullopt);
  CHECK(hub.state(DeviceId::card_reader).status == DeviceStatus::online);

  hub.used(DeviceId::printer, Errc::timeout);
  auto beat = hub.heartbeat();
  auto has = [&](std::string key, std::string value) {
    return std::find(beat.begin(), beat.end(), std::pair{key, value}) != beat.end();
  };
  CHECK(has("printer", "online"));
  CHECK(has("printer.last_failure", std::string(to_string(Errc::timeout))));
  CHECK(has("card_reader", "online"));
  CHECK_FALSE(has("payment_terminal.last_failure", std::string(to_string(Errc::device))));
}

TEST_CASE("device status names round-trip and say which states can serve") {
  for (int i = 0; i <= static_cast<int>(DeviceStatus::storage_damaged); ++i) {
    auto status = static_cast<DeviceStatus>(i);
    CAPTURE(to_string(status));
    CHECK(device_status_named(to_string(status)) == status);
  }
  CHECK_FALSE(device_status_named("ok").has_value());
  CHECK(usable(DeviceStatus::online));
  CHECK(usable(DeviceStatus::media_low));
  CHECK(usable(DeviceStatus::busy));
  CHECK_FALSE(usable(DeviceStatus::media_empty));
  CHECK_FALSE(usable(DeviceStatus::offline));
  CHECK_FALSE(usable(DeviceStatus::not_installed));
  CHECK_FALSE(usable(DeviceStatus::hardware_error));
  CHECK_FALSE(usable(DeviceStatus::storage_full));
}

TEST_CASE("the reason a kiosk is out of service follows the blocking device's status") {
  CHECK(out_of_service_key(DeviceId::printer, DeviceStatus::media_empty) ==
        "out_of_service.printer_empty");
  CHECK(out_of_service_key(DeviceId::printer, DeviceStatus::door_open) ==
        "out_of_service.printer_jam");
  CHECK(out_of_service_key(DeviceId::printer, DeviceStatus::offline) ==
        "out_of_service.printer_offline");
  CHECK(out_of_service_key(DeviceId::payment_terminal, DeviceStatus::offline) ==
        "out_of_service.payment_terminal");
  CHECK(out_of_service_key(DeviceId::store, DeviceStatus::storage_full) ==
        "out_of_service.storage_full");
  CHECK(out_of_service_key(DeviceId::store, DeviceStatus::storage_damaged) ==
        "out_of_service.storage_corrupt");
}
