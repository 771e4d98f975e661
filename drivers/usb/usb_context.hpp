// The process's USB stack: one libusb context whose events a dedicated thread services, device
// enumeration and hot-plug. Arrivals and removals of allowed devices are posted to the event
// loop, so listeners run on the UI thread like every other event.
//
// Threading: every method may be called from any thread. The context must outlive the devices
// it opened and the event loop must outlive the context.
#pragma once

#include <functional>
#include <memory>

#include "drivers/usb/usb_allow_list.hpp"
#include "drivers/usb/usb_device.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

class EventLoop;

struct UsbHotplugEvent {
  enum class Kind { arrived, left };
  Kind kind;
  UsbDeviceInfo device;
};

class UsbContext {
 public:
  using HotplugListener = std::function<void(const UsbHotplugEvent&)>;

  // Starts libusb and its event thread. Fails when there is no USB stack to talk to.
  static Expected<std::unique_ptr<UsbContext>> open(Log log, UsbAllowList allow_list);

  virtual ~UsbContext() = default;

  // Allowed devices present now.
  virtual Expected<std::vector<UsbDeviceInfo>> list_devices() = 0;
  // Opens one allowed device by bus and address.
  virtual Expected<std::unique_ptr<UsbDevice>> open_device(const UsbDeviceInfo& device) = 0;
  // Allowed devices arriving and leaving, from now on (present ones are reported as arrivals
  // first); `listener` runs on `loop`'s thread. One listener at a time: a new one replaces it.
  virtual Expected<void> watch_hotplug(EventLoop& loop, HotplugListener listener) = 0;
  // No more hot-plug events; events already posted still reach the old listener.
  virtual void stop_hotplug() = 0;
};

}  // namespace shubbak
