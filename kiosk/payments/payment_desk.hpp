// The kiosk's side of taking a payment: the pre-flight first (every check that could refuse the
// transaction once paid: nobody is charged for a record the store would refuse, or on a kiosk
// that cannot store it), then the intent written down, then the terminal asked; if the terminal
// does not answer, it is asked what it did before anything is said to the citizen.
//
// At start, payments of sessions that died before their transaction are reconciled, the store
// first: a payment whose transaction is stored is settled, never reversed; an approved one with
// no transaction is reversed; one sent without an answer is asked of the terminal by its
// reference. Every decision is audited, and one damaged intent never blocks the others.
// Blocking calls: run them on a worker.
#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "drivers/payment/payment_terminal.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/payments/payment_journal.hpp"
#include "kiosk/store/transaction_record.hpp"

namespace shubbak {

class PaymentDesk {
 public:
  PaymentDesk(PaymentTerminal& terminal, PaymentJournal& journal, Log log);

  // A fresh, unique reference for one payment attempt of this kiosk.
  static std::string new_reference(std::string_view kiosk_id);

  // Pays `request` for the transaction `draft` will become once paid (its amount and
  // payment_reference are the request's). Refused without touching the terminal when the store
  // would refuse `draft`.
  Expected<PaymentResult> pay(const PaymentRequest& request, const TransactionDraft& draft);
  // The session ended without its transaction (cancelled after paying, or a failure): the
  // payment is claimed so no commit can settle it, then reversed. Refused for a payment whose
  // transaction is stored.
  Expected<void> refund(const std::string& reference);

  struct Reconciliation {
    int settled = 0;   // its transaction is stored: kept
    int reversed = 0;  // approved, but the session died: voided
    int closed = 0;    // never approved
    int failed = 0;  // the terminal could not be asked, refused, or the row is unreadable: left for
                     // the next start
    int damaged = 0;   // rows that could not be read (also counted where they ended)
    int imported = 0;  // intents moved from an older build's JSON files
  };
  // The intents left by earlier runs (and by older builds' JSON files). Payments this desk
  // started are left to their sessions.
  Reconciliation reconcile();

 private:
  // Decides one intent by its reference (the store first, then the terminal).
  void reconcile_one(const std::string& reference, std::optional<PaymentStatus> recorded,
                     bool reversing, Reconciliation& report);
  Expected<void> reverse(const std::string& reference, Reconciliation* report);

  PaymentTerminal& m_terminal;
  PaymentJournal& m_journal;
  Log m_log;
  // Payments this desk started: a citizen's payment in progress is never "reconciled" by a
  // reconciliation that runs beside it at start; only earlier runs' intents are.
  std::mutex m_mutex;
  std::set<std::string> m_started;
};

}  // namespace shubbak
