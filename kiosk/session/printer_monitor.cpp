#include "kiosk/session/printer_monitor.hpp"

namespace shubbak {

PrinterMonitor::PrinterMonitor(EventLoop& loop, Lane& printer_lane, ReceiptPrinter& printer,
                               DeviceHub& devices, std::chrono::milliseconds interval, Log log)
    : m_loop(loop),
      m_lane(printer_lane),
      m_printer(printer),
      m_devices(devices),
      m_interval(interval),
      m_log(std::move(log)) {}

PrinterMonitor::~PrinterMonitor() {
  if (m_timer) m_loop.cancel_timer(m_timer);
}

void PrinterMonitor::start() {
  check_now();
  m_timer = m_loop.add_repeating_timer(m_interval, [this] { check_now(); });
}

void PrinterMonitor::check_now() {
  if (m_asking) return;
  m_asking = true;
  // The printer outlives the lanes (they are drained before it goes).
  run_on_lane(
      m_lane, m_loop, m_alive.token(), [printer = &m_printer] { return printer->state(); },
      [this](PrinterState state) {
        m_asking = false;
        DeviceStatus status = device_status(state);
        if (m_devices.state(DeviceId::printer).status != status)
          m_log.info("printer is {}", to_string(status));
        m_devices.set_status(DeviceId::printer, status);
      });
}

}  // namespace shubbak
