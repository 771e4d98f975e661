// Keeps a CardService supplied with the USB reader its URI names across unplug and replug: a
// matching CCID reader that arrives is opened on a worker and attached; the attached one
// leaving is detached at once. The UI hears about both, to show or hide "reader missing".
//
// Threading: construct, start and destroy on the UI thread; `on_change` runs there. It takes
// the UsbContext's hot-plug listener (there is one per context).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "drivers/card/card_service.hpp"
#include "drivers/usb/usb_context.hpp"

namespace shubbak {

class CardReaderSupervisor {
 public:
  using ChangeCallback = std::function<void(bool reader_connected)>;

  CardReaderSupervisor(UsbContext& usb, EventLoop& loop, WorkerPool& workers, CardService& service,
                       std::string uri, Log log);
  ~CardReaderSupervisor();
  CardReaderSupervisor(const CardReaderSupervisor&) = delete;
  CardReaderSupervisor& operator=(const CardReaderSupervisor&) = delete;

  // Starts watching; readers already plugged in count as arrivals.
  Expected<void> start(ChangeCallback on_change);

 private:
  struct State;
  void on_hotplug(const UsbHotplugEvent& event);
  void open_reader(const UsbDeviceInfo& device);

  UsbContext& m_usb;
  EventLoop& m_loop;
  WorkerPool& m_workers;
  CardService& m_service;
  std::string m_uri;
  Log m_log;
  ChangeCallback m_on_change;
  // Shared with work in flight, which checks `alive` before touching the service.
  std::shared_ptr<State> m_state;
  Liveness m_alive;
};

}  // namespace shubbak
