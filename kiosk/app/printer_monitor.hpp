// Asks the receipt printer for its state on a schedule and posts it to the device board, so a
// printer that runs out of paper takes the services that print off the menu before a citizen
// starts one, and puts them back once it is refilled. The asking blocks (IPP), so it runs on a
// worker; one question at a time.
//
// UI thread only (start, check_now); the worker's answer is posted back.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/app/device_health.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/loop/worker_pool.hpp"

namespace shubbak {

class PrinterMonitor {
 public:
  PrinterMonitor(EventLoop& loop, WorkerPool& workers, ReceiptPrinter& printer,
                 DeviceHealthBoard& health, std::chrono::milliseconds interval, Log log);
  ~PrinterMonitor();
  PrinterMonitor(const PrinterMonitor&) = delete;
  PrinterMonitor& operator=(const PrinterMonitor&) = delete;

  // Asks now, then on every interval.
  void start();
  // Asks now unless a question is already out.
  void check_now();

 private:
  EventLoop& m_loop;
  WorkerPool& m_workers;
  ReceiptPrinter& m_printer;
  DeviceHealthBoard& m_health;
  std::chrono::milliseconds m_interval;
  Log m_log;
  EventLoop::TimerId m_timer = 0;
  bool m_asking = false;
  std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

}  // namespace shubbak
