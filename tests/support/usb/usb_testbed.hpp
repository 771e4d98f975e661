// Emulated USB devices that the real libusb talks to, through umockdev: the test process hosts
// the devices (sysfs entries, /dev nodes and an ioctl handler answering USBDEVFS_* calls) and
// the code under test opens them like real hardware.
//
// The test binary must run under umockdev's preload (`umockdev-wrapper`, as CTest does);
// without it UsbTestbed's constructor throws, so the test fails rather than passing silently.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/bytes.hpp"

namespace shubbak::testing {

// What an emulated device does with the transfers sent to it. Called on umockdev's handler
// thread, one call at a time per device.
class EmulatedBehaviour {
 public:
  enum class Outcome { done, stall };
  struct InAnswer {
    enum class State { pending, data, stall } state = State::pending;
    Bytes data;
  };

  virtual ~EmulatedBehaviour() = default;
  // Data sent to an OUT endpoint (bulk or interrupt).
  virtual Outcome out(std::uint8_t endpoint, ByteView data) = 0;
  // A read on an IN endpoint of up to `max` bytes: data now, a STALL, or pending (asked again).
  virtual InAnswer in(std::uint8_t endpoint, std::size_t max) = 0;
  // A control request (8-byte setup packet, then the data of a host-to-device request).
  // Device-to-host requests answer with data; anything unknown STALLs, as devices do.
  virtual InAnswer control(ByteView /*setup*/, ByteView /*out*/) {
    return InAnswer{InAnswer::State::stall, {}};
  }
  // The kernel driver bound to an interface ("usbhid"), or empty for none.
  virtual std::string kernel_driver(std::uint8_t /*interface*/) { return {}; }
  // The kernel driver was detached from an interface (USBDEVFS_DISCONNECT).
  virtual void driver_detached(std::uint8_t /*interface*/) {}
  // The host cleared an endpoint's halt (USBDEVFS_CLEAR_HALT), as after a STALL.
  virtual void halt_cleared(std::uint8_t /*endpoint*/) {}
};

class UsbTestbed;

// One emulated device on bus 1; its state is shared with umockdev's handler thread.
class EmulatedUsbDevice {
 public:
  EmulatedUsbDevice(UsbTestbed& testbed, int address, std::shared_ptr<EmulatedBehaviour> behaviour);
  ~EmulatedUsbDevice();
  EmulatedUsbDevice(const EmulatedUsbDevice&) = delete;
  EmulatedUsbDevice& operator=(const EmulatedUsbDevice&) = delete;

  int address() const { return m_address; }
  const std::string& sysfs_path() const { return m_sysfs_path; }
  std::string dev_node() const;
  // Pulls the plug: every ioctl then fails with ENODEV, as the kernel does.
  void unplug();
  bool unplugged() const;
  int urbs_submitted() const;

  // umockdev's handler entry point (C callback trampoline).
  bool handle_ioctl(void* client);

 private:
  friend class UsbTestbed;
  struct Urb;
  void complete_ready_urbs();

  UsbTestbed& m_testbed;
  int m_address;
  std::shared_ptr<EmulatedBehaviour> m_behaviour;
  std::string m_sysfs_path;
  void* m_handler = nullptr;  // UMockdevIoctlBase*
  mutable std::mutex m_mutex;
  std::atomic<bool> m_unplugged = false;
  int m_submitted = 0;
  std::deque<std::shared_ptr<Urb>> m_pending_in;
  std::deque<std::shared_ptr<Urb>> m_completed;
};

class UsbTestbed {
 public:
  UsbTestbed();  // throws std::runtime_error when not under umockdev's preload
  ~UsbTestbed();
  UsbTestbed(const UsbTestbed&) = delete;
  UsbTestbed& operator=(const UsbTestbed&) = delete;

  // Plugs in a device with these raw descriptors (device + configuration) at bus 1, `address`.
  // At run time this is a hot-plug arrival.
  EmulatedUsbDevice& plug(int address, const Bytes& descriptors,
                          std::shared_ptr<EmulatedBehaviour> behaviour);
  // Unplugs and announces the removal (uevent "remove").
  void unplug(EmulatedUsbDevice& device);
  // Drops an unplugged device's emulation, freeing its address for another plug. Only once
  // the code under test has closed it: a soak of many plug cycles keeps the harness's own
  // memory flat this way, so what grows is the code under test.
  void forget(EmulatedUsbDevice& device);

  void* native() const { return m_testbed; }

 private:
  void* m_testbed = nullptr;  // UMockdevTestbed*
  std::vector<std::unique_ptr<EmulatedUsbDevice>> m_devices;
};

// Builders for the descriptors of the devices the tests use.
struct EndpointSpec {
  std::uint8_t address;
  std::uint8_t attributes;  // 2 bulk, 3 interrupt
  std::uint16_t max_packet = 64;
};
struct InterfaceSpec {
  std::uint8_t class_code;
  std::uint8_t subclass = 0;
  std::uint8_t protocol = 0;
  Bytes class_descriptor;  // placed after the interface descriptor
  std::vector<EndpointSpec> endpoints;
};
Bytes usb_descriptors(std::uint16_t vendor_id, std::uint16_t product_id,
                      const std::vector<InterfaceSpec>& interfaces);

}  // namespace shubbak::testing
