// Descriptors that lie, for the hostile-USB tests of the drivers and of the whole kiosk.
#pragma once

#include <atomic>

#include "tests/support/usb/usb_testbed.hpp"

namespace shubbak::testing {

// The behaviour of a device nobody should ever talk to: every transfer counts in `touched`.
class Untouchable final : public EmulatedBehaviour {
 public:
  Outcome out(std::uint8_t, ByteView) override {
    ++touched;
    return Outcome::stall;
  }
  InAnswer in(std::uint8_t, std::size_t) override {
    ++touched;
    return InAnswer{InAnswer::State::stall, {}};
  }
  std::atomic<int> touched = 0;
};

// One smart-card interface that claims `endpoints` endpoints, followed by a class descriptor
// whose bLength runs past the end of the configuration. libusb stops parsing the interface
// there: bNumEndpoints stays, the endpoint array stays null.
inline Bytes lying_descriptors(std::uint16_t vendor_id, std::uint16_t product_id,
                               std::uint8_t endpoints) {
  Bytes lie{0x36, 0x21, 0x10, 0x01, 0x00, 0x07, 0x03, 0x00, 0x00, 0x00};  // says 54, has 10
  Bytes out = usb_descriptors(vendor_id, product_id, {InterfaceSpec{0x0B, 0, 0, lie, {}}});
  constexpr std::size_t k_num_endpoints = 18 + 9 + 4;  // device, configuration, interface
  out.at(k_num_endpoints) = endpoints;
  return out;
}

}  // namespace shubbak::testing
