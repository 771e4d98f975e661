// An emulated keyboard-mode scanner for the umockdev testbed: a boot-keyboard HID interface
// bound (as far as libusb can tell) to the kernel's usbhid driver, which types text as
// press/release report pairs on its interrupt endpoint.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string_view>

#include "tests/support/usb/usb_testbed.hpp"

namespace shubbak::testing {

class FakeHidKeyboard final : public EmulatedBehaviour {
 public:
  FakeHidKeyboard(std::uint16_t vendor_id, std::uint16_t product_id);

  Bytes descriptors() const;
  Outcome out(std::uint8_t endpoint, ByteView data) override;
  InAnswer in(std::uint8_t endpoint, std::size_t max) override;
  InAnswer control(ByteView setup, ByteView out) override;
  std::string kernel_driver(std::uint8_t interface) override;
  void driver_detached(std::uint8_t interface) override;
  void halt_cleared(std::uint8_t endpoint) override;

  // Queues the reports that type `ascii` on a US layout, then Enter when `enter` is set.
  void type(std::string_view ascii, bool enter);
  // Queues raw usages (for layouts other than US): each pressed and released.
  void press_usages(std::initializer_list<std::pair<std::uint8_t, bool>> usages_with_shift);
  // The interrupt endpoint STALLs and stays halted until the host clears it.
  void halt_interrupt_endpoint() { m_halted = true; }
  int halts_cleared() const { return m_halts_cleared; }
  bool driver_was_detached() const { return m_detached; }
  bool drained() const;
  // SET_PROTOCOL received: 0 boot, 1 report, -1 never.
  int protocol() const { return m_protocol; }
  // SET_IDLE received (duration 0: report only on change).
  bool idle_set() const { return m_idle_set; }

 private:
  std::uint16_t m_vendor_id;
  std::uint16_t m_product_id;
  mutable std::mutex m_mutex;
  std::deque<Bytes> m_reports;
  std::atomic<bool> m_detached = false;
  std::atomic<int> m_protocol = -1;
  std::atomic<bool> m_idle_set = false;
  std::atomic<bool> m_halted = false;
  std::atomic<int> m_halts_cleared = 0;
};

}  // namespace shubbak::testing
