#include "kiosk/payments/payment_desk.hpp"

#include <sys/random.h>

#include <fmt/format.h>

namespace shubbak {

PaymentDesk::PaymentDesk(PaymentTerminal& terminal, PaymentJournal& journal, Log log)
    : m_terminal(terminal), m_journal(journal), m_log(std::move(log)) {}

std::string PaymentDesk::new_reference(std::string_view kiosk_id) {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // getrandom does not fail for 8 bytes once the pool is ready; a clock fallback still differs.
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    for (std::size_t i = 0; i < sizeof bytes; ++i)
      bytes[i] = static_cast<unsigned char>(now >> (8 * i));
  }
  std::string id;
  for (char c : kiosk_id) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return fmt::format("{}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}", id.substr(0, 40),
                     bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6],
                     bytes[7]);
}

Expected<PaymentResult> PaymentDesk::pay(const PaymentRequest& request,
                                         const std::string& service_id) {
  PaymentIntent intent{request.reference, request.amount, service_id, PaymentStatus::unknown, {}};
  // Written before the terminal sees it: after a power cut the kiosk knows what to ask about.
  if (auto written = m_journal.record(intent); !written) {
    m_log.error("payment {} not started: {}", request.reference, written.error().describe());
    return std::unexpected(written.error());
  }
  auto result = m_terminal.pay(request);
  if (!result) {
    // No answer is not a "no": ask the terminal what it did with this reference.
    m_log.warn("payment {}: {}; asking the terminal", request.reference, result.error().describe());
    auto known = m_terminal.status(request.reference);
    if (!known) {
      m_log.error("payment {}: terminal unreachable: {}", request.reference,
                  known.error().describe());
      return std::unexpected(result.error());
    }
    result = *known;
    if (result->status == PaymentStatus::unknown) result->status = PaymentStatus::timeout;
  }
  intent.status = result->status;
  intent.terminal_reference = result->terminal_reference;
  if (auto written = m_journal.record(intent); !written) {
    m_log.error("payment {}: cannot record the answer: {}", request.reference,
                written.error().describe());
  }
  m_log.info("payment {} {}: {} {}", request.reference, to_string(result->status),
             to_decimal_string(request.amount).value_or("?"), request.amount.currency);
  return result;
}

Expected<void> PaymentDesk::settle(const std::string& reference) {
  return m_journal.close(reference);
}

Expected<void> PaymentDesk::refund(const std::string& reference) {
  if (auto reversed = m_terminal.reverse(reference); !reversed) return reversed;
  m_log.info("payment {} reversed: the session ended without its transaction", reference);
  return m_journal.close(reference);
}

PaymentDesk::Reconciliation PaymentDesk::reconcile() {
  Reconciliation report;
  auto intents = m_journal.open_intents();
  if (!intents) {
    m_log.error("payment reconciliation: {}", intents.error().describe());
    ++report.failed;
    return report;
  }
  for (const auto& intent : *intents) {
    auto known = m_terminal.status(intent.reference);
    if (!known) {
      m_log.error("payment {}: cannot reconcile now: {}", intent.reference,
                  known.error().describe());
      ++report.failed;
      continue;
    }
    if (known->status == PaymentStatus::approved) {
      // Approved, but the session died before its transaction was stored: give the money back.
      if (auto reversed = refund(intent.reference); !reversed) {
        m_log.error("payment {}: approved but cannot be reversed: {}", intent.reference,
                    reversed.error().describe());
        ++report.failed;
        continue;
      }
      ++report.reversed;
    } else {
      m_log.info("payment {}: {} at the terminal; closed", intent.reference,
                 to_string(known->status));
      (void)m_journal.close(intent.reference);
      ++report.closed;
    }
  }
  return report;
}

}  // namespace shubbak
