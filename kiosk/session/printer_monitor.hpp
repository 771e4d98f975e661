// Asks the receipt printer for its state on a schedule and reports it to the device hub, so a
// printer that runs out of paper takes the services that print off the menu before a citizen
// starts one, and puts them back once it is refilled. The asking blocks (IPP), so it runs on
// the printer's lane, behind any print in progress; one question at a time.
//
// UI thread only (start, check_now); the lane's answer comes back on it.
#pragma once

#include <chrono>

#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/lane.hpp"
#include "kiosk/session/device_hub.hpp"

namespace shubbak {

class PrinterMonitor {
 public:
  PrinterMonitor(EventLoop& loop, Lane& printer_lane, ReceiptPrinter& printer, DeviceHub& devices,
                 std::chrono::milliseconds interval, Log log);
  ~PrinterMonitor();
  PrinterMonitor(const PrinterMonitor&) = delete;
  PrinterMonitor& operator=(const PrinterMonitor&) = delete;

  // Asks now, then on every interval.
  void start();
  // Asks now unless a question is already out.
  void check_now();

 private:
  EventLoop& m_loop;
  Lane& m_lane;
  ReceiptPrinter& m_printer;
  DeviceHub& m_devices;
  std::chrono::milliseconds m_interval;
  Log m_log;
  EventLoop::TimerId m_timer = 0;
  bool m_asking = false;
  Liveness m_alive;
};

}  // namespace shubbak
