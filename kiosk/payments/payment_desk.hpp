// The kiosk's side of taking a payment: write the intent down, then ask the terminal; if the
// terminal does not answer, ask it what it did before saying anything to the citizen. At
// start, payments of sessions that died before their transaction was stored are reconciled by
// reference: an approval the citizen never got a service for is reversed. Nobody is charged
// twice, and no approval is lost. Blocking calls: run them on a worker.
#pragma once

#include <string>

#include "drivers/payment/payment_terminal.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/payments/payment_journal.hpp"

namespace shubbak {

class PaymentDesk {
 public:
  PaymentDesk(PaymentTerminal& terminal, PaymentJournal& journal, Log log);

  // A fresh, unique reference for one payment attempt of this kiosk.
  static std::string new_reference(std::string_view kiosk_id);

  Expected<PaymentResult> pay(const PaymentRequest& request, const std::string& service_id);
  // The transaction that includes this payment is stored.
  Expected<void> settle(const std::string& reference);
  // The session ended without its transaction (cancelled after paying, or a failure).
  Expected<void> refund(const std::string& reference);

  struct Reconciliation {
    int reversed = 0;  // approved, but the session died: voided
    int closed = 0;    // never approved
    int failed = 0;    // the terminal could not be asked or refused: left for the next start
  };
  Reconciliation reconcile();

 private:
  PaymentTerminal& m_terminal;
  PaymentJournal& m_journal;
  Log m_log;
};

}  // namespace shubbak
