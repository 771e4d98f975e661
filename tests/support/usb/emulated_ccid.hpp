// One emulated CCID reader plugged into a fresh umockdev testbed, with a real UsbContext
// (libusb) and a CcidReader opened on it: the whole stack the kiosk runs, over emulated USB.
#pragma once

#include <stdexcept>

#include "drivers/card/ccid_reader.hpp"
#include "drivers/usb/usb_context.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/usb/fake_ccid_reader.hpp"

namespace shubbak::testing {

class EmulatedCcid {
 public:
  explicit EmulatedCcid(FakeCcidConfig config,
                        std::optional<SimulatedCard> card = SimulatedCard::demo_id_card())
      : m_fake(std::make_shared<FakeCcidReader>(config, std::move(card))) {
    m_device = &m_testbed.plug(2, m_fake->descriptors(), m_fake);
    auto allow = UsbAllowList::parse({"class:0b"});
    auto usb = UsbContext::open(m_log.log("usb"), *allow);
    if (!usb) throw std::runtime_error(usb.error().describe());
    m_usb = std::move(*usb);
  }

  Expected<std::unique_ptr<CcidReader>> open_reader(CcidOptions options = {}) {
    auto devices = m_usb->list_devices();
    if (!devices) return std::unexpected(devices.error());
    if (devices->empty()) return fail(Errc::not_found, "no emulated reader listed");
    auto device = m_usb->open_device(devices->front());
    if (!device) return std::unexpected(device.error());
    return CcidReader::open(std::move(*device), m_log.log("ccid"), options);
  }

  FakeCcidReader& fake() { return *m_fake; }
  EmulatedUsbDevice& device() { return *m_device; }
  UsbTestbed& testbed() { return m_testbed; }
  UsbContext& usb() { return *m_usb; }
  CapturedLog& log() { return m_log; }

 private:
  CapturedLog m_log;
  UsbTestbed m_testbed;
  std::shared_ptr<FakeCcidReader> m_fake;
  EmulatedUsbDevice* m_device = nullptr;
  std::unique_ptr<UsbContext> m_usb;
};

}  // namespace shubbak::testing
