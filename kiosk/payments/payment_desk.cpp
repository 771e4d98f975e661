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
                                         const TransactionDraft& draft) {
  if (draft.payment_reference != request.reference ||
      draft.amount.minor_units != request.amount.minor_units ||
      draft.amount.currency != request.amount.currency) {
    return fail(Errc::internal, "the payment and the transaction it pays for disagree");
  }
  // Pre-flight: a transaction the store would refuse is refused now, before anyone pays.
  if (auto ready = m_journal.preflight(draft); !ready) {
    m_log.error("payment {} not started: the transaction would be refused: {}", request.reference,
                ready.error().describe());
    return std::unexpected(ready.error());
  }
  {
    std::lock_guard lock(m_mutex);
    m_started.insert(request.reference);
  }
  // Written before the terminal sees it: after a power cut the kiosk knows what to ask about.
  PaymentIntent intent{
      request.reference, request.amount, draft.service_id, PaymentStatus::unknown, {}, false};
  if (auto written = m_journal.begin(intent); !written) {
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
  if (auto written = m_journal.answer(request.reference, *result); !written) {
    m_log.error("payment {}: cannot record the answer: {}", request.reference,
                written.error().describe());
    // An approval the kiosk cannot write down cannot be part of a stored transaction: give it
    // back now. The intent stays open (answer unknown); the next start confirms by reference.
    if (result->status == PaymentStatus::approved) {
      if (auto reversed = m_terminal.reverse(request.reference); !reversed) {
        m_log.error("payment {}: cannot be reversed now: {}", request.reference,
                    reversed.error().describe());
      }
    }
    return std::unexpected(written.error());
  }
  m_log.info("payment {} {}: {} {}", request.reference, to_string(result->status),
             to_decimal_string(request.amount).value_or("?"), request.amount.currency);
  return result;
}

Expected<void> PaymentDesk::refund(const std::string& reference) {
  if (auto claimed = m_journal.claim_for_reversal(reference); !claimed) return claimed;
  if (auto reversed = reverse(reference, nullptr); !reversed) return reversed;
  m_log.info("payment {} reversed: the session ended without its transaction", reference);
  return {};
}

// Reverses a claimed payment and ends its intent. A terminal that refuses because the payment
// is already reversed (a crash after the reversal) or was never charged is asked, and believed.
Expected<void> PaymentDesk::reverse(const std::string& reference, Reconciliation* report) {
  auto reversed = m_terminal.reverse(reference);
  if (reversed) {
    if (report) ++report->reversed;
    return m_journal.end(reference, IntentEnd::reversed,
                         "approved without a stored transaction; reversed");
  }
  auto known = m_terminal.status(reference);
  if (!known) return std::unexpected(reversed.error());
  if (known->status == PaymentStatus::reversed) {
    if (report) ++report->reversed;
    return m_journal.end(reference, IntentEnd::reversed, "the terminal had already reversed it");
  }
  if (known->status != PaymentStatus::approved) {
    if (report) ++report->closed;
    return m_journal.end(
        reference, IntentEnd::closed,
        fmt::format("never charged: the terminal says {}", to_string(known->status)));
  }
  return std::unexpected(reversed.error());
}

void PaymentDesk::reconcile_one(const std::string& reference, std::optional<PaymentStatus> recorded,
                                bool reversing, Reconciliation& report) {
  auto left_open = [&](const std::string& why) {
    m_log.error("payment {}: left for the next start: {}", reference, why);
    (void)m_journal.note_unresolved(reference, why);
    ++report.failed;
  };
  // The store first: a payment inside a stored transaction is the citizen's, whatever the
  // terminal or the intent's last answer say.
  auto stored = m_journal.transaction_for(reference);
  if (!stored) return left_open("the store could not be read: " + stored.error().describe());
  if (*stored) {
    if (auto ended =
            m_journal.end(reference, IntentEnd::settled, "its transaction is stored", **stored);
        !ended) {
      return left_open(ended.error().describe());
    }
    m_log.info("payment {}: settled with transaction {}", reference, **stored);
    ++report.settled;
    return;
  }
  std::optional<PaymentStatus> at_terminal;
  if (!reversing && recorded != PaymentStatus::approved) {
    // Sent without an answer, or with one that may have changed since: the terminal says.
    auto known = m_terminal.status(reference);
    if (!known) return left_open("the terminal could not be asked: " + known.error().describe());
    at_terminal = known->status;
  }
  bool charged =
      reversing || recorded == PaymentStatus::approved || at_terminal == PaymentStatus::approved;
  if (charged) {
    if (auto claimed = m_journal.claim_for_reversal(reference); !claimed)
      return left_open(claimed.error().describe());
    if (auto reversed = reverse(reference, &report); !reversed)
      return left_open(reversed.error().describe());
    m_log.info("payment {}: approved but its session died before the transaction; reversed",
               reference);
    return;
  }
  IntentEnd how = at_terminal == PaymentStatus::reversed ? IntentEnd::reversed : IntentEnd::closed;
  std::string why = fmt::format("not charged: the terminal says {}", to_string(*at_terminal));
  if (auto ended = m_journal.end(reference, how, why); !ended)
    return left_open(ended.error().describe());
  m_log.info("payment {}: {}; closed", reference, why);
  ++(how == IntentEnd::reversed ? report.reversed : report.closed);
}

PaymentDesk::Reconciliation PaymentDesk::reconcile() {
  Reconciliation report;
  if (auto imported = m_journal.import_legacy(); imported) {
    report.imported = *imported;
    if (*imported > 0)
      m_log.info("{} payment intent(s) moved from the old payments directory", *imported);
  } else {
    m_log.error("old payment intents not moved: {}", imported.error().describe());
  }
  auto open = m_journal.unresolved();
  if (!open) {
    m_log.error("payment reconciliation: {}", open.error().describe());
    ++report.failed;
    return report;
  }
  auto ours = [this](const std::string& reference) {
    std::lock_guard lock(m_mutex);
    return m_started.contains(reference);
  };
  for (const auto& intent : open->intents) {
    if (!ours(intent.reference))
      reconcile_one(intent.reference, intent.status, intent.reversing, report);
  }
  for (const auto& damaged : open->damaged) {
    if (ours(damaged.reference)) continue;
    ++report.damaged;
    m_log.error("payment intent {} is damaged: {}", damaged.reference.substr(0, 64),
                damaged.reason);
    if (!safe_payment_reference(damaged.reference)) {
      (void)m_journal.note_unresolved(damaged.reference, "damaged: " + damaged.reason);
      ++report.failed;
      continue;
    }
    // Its reference is intact: the store and the terminal know what happened to it; what the
    // row says beyond that is not needed, and not trusted.
    reconcile_one(damaged.reference, std::nullopt, false, report);
  }
  return report;
}

}  // namespace shubbak
