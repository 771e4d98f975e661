// A USB device as the readers see it: descriptors, interface claiming and blocking transfers.
// The libusb backend (libusb_backend.cpp) is the only code that knows libusb.
//
// Threading: transfers block the calling thread (a worker, never the UI thread). Transfers on
// different endpoints may run on different threads at once, as a card reader's bulk and
// interrupt endpoints do.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct UsbEndpointInfo {
  std::uint8_t address = 0;
  std::uint8_t attributes = 0;  // bits 0-1: 0 control, 1 isochronous, 2 bulk, 3 interrupt
  std::uint16_t max_packet_size = 0;

  bool is_in() const { return (address & 0x80) != 0; }
  bool is_bulk() const { return (attributes & 0x03) == 2; }
  bool is_interrupt() const { return (attributes & 0x03) == 3; }
};

struct UsbInterfaceInfo {
  std::uint8_t number = 0;
  std::uint8_t class_code = 0;
  std::uint8_t subclass = 0;
  std::uint8_t protocol = 0;
  std::vector<UsbEndpointInfo> endpoints;
  std::vector<std::uint8_t> extra;  // class-specific descriptors, such as CCID's type 0x21
};

namespace usb_class {
inline constexpr std::uint8_t k_hid = 0x03;
inline constexpr std::uint8_t k_smart_card = 0x0B;
}  // namespace usb_class

struct UsbDeviceInfo {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::uint8_t bus = 0;
  std::uint8_t address = 0;
  std::vector<UsbInterfaceInfo> interfaces;

  // "001/004 (076b:3021)"
  std::string describe() const;
  const UsbInterfaceInfo* find_interface(std::uint8_t class_code) const;
};

// A control request's setup packet (USB 2.0 section 9.3); wLength is the data span's size.
struct UsbControlSetup {
  std::uint8_t request_type = 0;  // bit 7: device-to-host; bits 5-6: standard, class, vendor
  std::uint8_t request = 0;
  std::uint16_t value = 0;
  std::uint16_t index = 0;
};

class UsbDevice {
 public:
  using Timeout = std::chrono::milliseconds;

  virtual ~UsbDevice() = default;
  virtual const UsbDeviceInfo& info() const = 0;

  // Detaches a kernel driver bound to the interface (usbhid grabs scanners), then claims it.
  virtual Expected<void> claim_interface(std::uint8_t number) = 0;

  // Errors: timeout, not_found when the device was unplugged, device for a STALL or I/O fault.
  virtual Expected<std::size_t> bulk_write(std::uint8_t endpoint,
                                           std::span<const std::uint8_t> data, Timeout timeout) = 0;
  virtual Expected<std::size_t> bulk_read(std::uint8_t endpoint, std::span<std::uint8_t> into,
                                          Timeout timeout) = 0;
  virtual Expected<std::size_t> interrupt_read(std::uint8_t endpoint, std::span<std::uint8_t> into,
                                               Timeout timeout) = 0;
  // A control transfer on endpoint 0; `data` is sent, or filled for device-to-host requests.
  virtual Expected<std::size_t> control_transfer(const UsbControlSetup& setup,
                                                 std::span<std::uint8_t> data, Timeout timeout) = 0;
  // After a STALL: resets the endpoint's halt condition on both ends.
  virtual Expected<void> clear_halt(std::uint8_t endpoint) = 0;
};

}  // namespace shubbak
