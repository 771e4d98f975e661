#include "drivers/payment/simulated_terminal.hpp"

#include <thread>
#include <utility>

#include <fmt/format.h>

namespace shubbak {

std::string_view to_string(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::approved:
      return "approved";
    case PaymentStatus::declined:
      return "declined";
    case PaymentStatus::cancelled:
      return "cancelled";
    case PaymentStatus::timeout:
      return "timeout";
    case PaymentStatus::unknown:
      return "unknown";
    case PaymentStatus::reversed:
      return "reversed";
  }
  return "unknown";
}

SimulatedTerminal::SimulatedTerminal(std::chrono::milliseconds latency) : m_latency(latency) {}

void SimulatedTerminal::set_next(Next behaviour) {
  std::lock_guard lock(m_mutex);
  m_next = behaviour;
}

int SimulatedTerminal::charges() const {
  std::lock_guard lock(m_mutex);
  int n = 0;
  for (const auto& [reference, entry] : m_ledger)
    n += entry.result.status == PaymentStatus::approved;
  return n;
}

Expected<void> SimulatedTerminal::open() {
  std::lock_guard lock(m_mutex);
  m_open = true;
  return {};
}

void SimulatedTerminal::close() {
  std::lock_guard lock(m_mutex);
  m_open = false;
}

DeviceStatus SimulatedTerminal::device_status() const {
  std::lock_guard lock(m_mutex);
  if (!m_open) return DeviceStatus::offline;
  return m_busy ? DeviceStatus::busy : DeviceStatus::online;
}

Expected<PaymentResult> SimulatedTerminal::pay(const PaymentRequest& request) {
  if (request.reference.empty()) return fail(Errc::invalid_argument, "payment without a reference");
  if (request.amount.minor_units <= 0)
    return fail(Errc::invalid_argument, "payment amount is not positive");
  {
    std::lock_guard lock(m_mutex);
    if (!m_open) return fail(Errc::device, "the payment terminal is closed");
  }
  // The card holder's pause at the terminal.
  m_busy = true;
  std::this_thread::sleep_for(m_latency);
  m_busy = false;
  std::lock_guard lock(m_mutex);
  // Idempotent: a reference seen before gets its first answer again, and is not charged twice.
  if (auto it = m_ledger.find(request.reference); it != m_ledger.end()) return it->second.result;
  Next next = std::exchange(m_next, Next::approve);
  PaymentResult result;
  result.terminal_reference = fmt::format("SIM{:06}", ++m_sequence);
  switch (next) {
    case Next::approve:
    case Next::approve_then_lose_answer:
      result.status = PaymentStatus::approved;
      result.masked_card = "**** **** **** 4242";
      break;
    case Next::decline:
      result.status = PaymentStatus::declined;
      break;
    case Next::cancel:
      result.status = PaymentStatus::cancelled;
      break;
    case Next::time_out:
      return fail(Errc::timeout, "terminal did not answer");
    case Next::fail:
      return fail(Errc::device, "terminal reports a hardware error");
  }
  m_ledger[request.reference] = {result, request.amount};
  if (next == Next::approve_then_lose_answer)
    return fail(Errc::timeout, "terminal approved, then the answer was lost");
  return result;
}

Expected<PaymentResult> SimulatedTerminal::status(const std::string& reference) {
  std::lock_guard lock(m_mutex);
  auto it = m_ledger.find(reference);
  if (it == m_ledger.end()) return PaymentResult{PaymentStatus::unknown, {}, {}};
  return it->second.result;
}

Expected<void> SimulatedTerminal::reverse(const std::string& reference) {
  std::lock_guard lock(m_mutex);
  auto it = m_ledger.find(reference);
  if (it == m_ledger.end() || it->second.result.status != PaymentStatus::approved) {
    return fail(Errc::invalid_argument,
                fmt::format("no approved payment {} to reverse", reference));
  }
  it->second.result.status = PaymentStatus::reversed;
  return {};
}

}  // namespace shubbak
