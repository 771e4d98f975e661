#include "kiosk/app/printer_monitor.hpp"

namespace shubbak {

PrinterMonitor::PrinterMonitor(EventLoop& loop, WorkerPool& workers, ReceiptPrinter& printer,
                               DeviceHealthBoard& health, std::chrono::milliseconds interval,
                               Log log)
    : m_loop(loop),
      m_workers(workers),
      m_printer(printer),
      m_health(health),
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
  // The printer outlives the workers (they are drained before it goes); `alive` guards this.
  m_workers.submit(
      [this, &loop = m_loop, printer = &m_printer, alive = std::weak_ptr<int>(m_alive)] {
        PrinterState state = printer->state();
        loop.post([this, state, alive] {
          if (!alive.lock()) return;
          m_asking = false;
          std::string name(printer_state_name(state));
          if (m_health.state("printer") != name) m_log.info("printer is {}", name);
          m_health.set("printer", std::move(name));
        });
      });
}

}  // namespace shubbak
