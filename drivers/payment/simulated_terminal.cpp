#include "drivers/payment/simulated_terminal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
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

SimulatedTerminal::SimulatedTerminal(std::chrono::milliseconds latency,
                                     std::filesystem::path ledger_file)
    : m_ledger_file(std::move(ledger_file)), m_latency(latency) {
  // One line per event: "pay REF MINOR CURRENCY STATUS TERMINAL_REF" or "reverse REF". A line
  // without its newline is a write the kill interrupted: the terminal never answered it.
  std::ifstream in(m_ledger_file);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: unfinished
    std::istringstream words(line);
    std::string kind, reference;
    words >> kind >> reference;
    if (kind == "pay") {
      Entry entry;
      std::string status;
      words >> entry.amount.minor_units >> entry.amount.currency >> status >>
          entry.result.terminal_reference;
      for (auto st : {PaymentStatus::approved, PaymentStatus::declined, PaymentStatus::cancelled}) {
        if (to_string(st) == status) entry.result.status = st;
      }
      if (entry.result.status == PaymentStatus::approved)
        entry.result.masked_card = "**** **** **** 4242";
      m_ledger[reference] = entry;
      ++m_sequence;
    } else if (kind == "reverse") {
      if (auto it = m_ledger.find(reference); it != m_ledger.end())
        it->second.result.status = PaymentStatus::reversed;
    }
  }
}

Expected<void> SimulatedTerminal::append(const std::string& line) {
  if (m_ledger_file.empty()) return {};
  int fd = ::open(m_ledger_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return fail_errno(Errc::device, "terminal ledger", errno);
  std::string text = line + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fdatasync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) return fail_errno(Errc::device, "terminal ledger", saved);
  return {};
}

std::vector<SimulatedTerminal::LedgerEntry> SimulatedTerminal::ledger() const {
  std::lock_guard lock(m_mutex);
  std::vector<LedgerEntry> entries;
  for (const auto& [reference, entry] : m_ledger)
    entries.push_back({reference, entry.result.status, entry.amount});
  return entries;
}

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
  if (auto written = append(fmt::format("pay {} {} {} {} {}", request.reference,
                                        request.amount.minor_units, request.amount.currency,
                                        to_string(result.status), result.terminal_reference));
      !written) {
    return std::unexpected(written.error());
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
  if (auto written = append("reverse " + reference); !written) return written;
  it->second.result.status = PaymentStatus::reversed;
  return {};
}

}  // namespace shubbak
