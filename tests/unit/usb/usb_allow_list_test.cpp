#include <doctest/doctest.h>

#include "drivers/usb/usb_allow_list.hpp"

using namespace shubbak;

TEST_CASE("the USB allow-list matches by VID:PID or by interface class") {
  auto list = UsbAllowList::parse({"076b:3021", "class:0b"});
  REQUIRE(list.has_value());
  UsbDeviceInfo omnikey{0x076B, 0x3021, 1, 4, {}};
  UsbDeviceInfo any_ccid{0x1234, 0x5678, 1, 5, {UsbInterfaceInfo{0, 0x0B, 0, 0, {}, {}}}};
  UsbDeviceInfo keyboard{0x1234, 0x0001, 1, 6, {UsbInterfaceInfo{0, 0x03, 1, 1, {}, {}}}};
  CHECK(list->allows(omnikey));
  CHECK(list->allows(any_ccid));
  CHECK_FALSE(list->allows(keyboard));
  CHECK(keyboard.describe() == "001/006 (1234:0001)");
  CHECK(UsbAllowList::parse({}).value().empty());
}

TEST_CASE("bad allow-list entries are refused by name") {
  CHECK(UsbAllowList::parse({"076b"}).error().message.find("\"076b\"") != std::string::npos);
  CHECK_FALSE(UsbAllowList::parse({"076b:30211"}).has_value());
  CHECK_FALSE(UsbAllowList::parse({"class:0bb"}).has_value());
  CHECK_FALSE(UsbAllowList::parse({"class:"}).has_value());
  CHECK_FALSE(UsbAllowList::parse({"zz:0001"}).has_value());
  CHECK(check_usb_allow_entry("class:03").has_value());
}
