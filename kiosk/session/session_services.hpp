// What a citizen's session needs from the kiosk beyond the screen: the devices and the store.
// Each call starts the work on the device's own lane and calls `done` on the UI thread with a
// typed result. The kiosk wires the real drivers behind it; the simulated ones are real
// backends too (the demo runs on them).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "drivers/payment/payment_terminal.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/workflow/engine.hpp"

namespace shubbak {

// A receipt or ticket, journaled before it was printed. `printed` false: the printer could not
// print it (`printer_state` says why, e.g. "media-empty"); the citizen collects it at the
// counter with `counter_reference`, and may try again with retry_print(receipt_id).
struct PrintedDocument {
  std::string transaction_id;
  std::string path_or_job;        // where it went: a file, a print job; empty when not printed
  std::string receipt_id;         // its row in the receipt journal
  std::string counter_reference;  // what the citizen reads out at the counter
  bool printed = true;
  std::string printer_state;  // printer_state_name at the last attempt
  std::string ticket;         // a queue ticket's number; empty on receipts
};

// What an ID card gave the session: only the fields a profile reads.
struct CardIdentity {
  std::string id_number;
  std::string name_ar;
  std::string name_en;
  std::string birth_date;
  std::string expiry_date;
  std::string nationality;
  // By the names a bundle's read_id_card step "fills" from.
  std::map<std::string, std::string> answers() const {
    return {{"id_number", id_number},   {"name_ar", name_ar},         {"name_en", name_en},
            {"birth_date", birth_date}, {"expiry_date", expiry_date}, {"nationality", nationality}};
  }
};

class SessionServices {
 public:
  virtual ~SessionServices() = default;

  template <class T>
  using Done = std::function<void(Expected<T>)>;

  // The card's fields, as the profile reads them.
  virtual void read_identity(const std::string& profile, Done<CardIdentity> done) = 0;
  // A QR or barcode from the scanner (payment-card-shaped input never arrives).
  virtual void scan_code(Done<std::string> done) = 0;
  // Pays through the terminal. First the pre-flight: `draft` (the record as it will be stored,
  // with this payment) must pass every check the store applies, else the terminal is never
  // asked. Then the intent is journaled, then the terminal asked.
  virtual void pay(const PaymentRequest& request, const workflow::TransactionDraft& draft,
                   Done<PaymentResult> done) = 0;
  // A reference the citizen pays elsewhere (bank, app): issued, not paid.
  virtual std::string payment_reference() = 0;
  // Stores the transaction durably; `done` gets its id once it is committed.
  virtual void record(const workflow::TransactionDraft& draft, Done<std::string> done) = 0;
  // Prints the receipt of the stored transaction.
  virtual void print_receipt(const workflow::WorkflowEngine& session,
                             const std::string& transaction_id, Done<PrintedDocument> done) = 0;
  // Prints a queue ticket for `counter`; `done` gets it with its number (`ticket`).
  virtual void issue_ticket(const std::string& counter, const std::string& transaction_id,
                            Done<PrintedDocument> done) = 0;
  // The citizen's "try printing again" for a document of this session that was not printed;
  // never prints one twice.
  virtual void retry_print(const std::string& receipt_id, Done<PrintedDocument> done) = 0;
  // The session ended after a payment but without its transaction: give the money back.
  virtual void refund(const std::string& payment_reference) = 0;
  // Whatever a device is still doing for this session is abandoned (the citizen walked away);
  // prints of this session not yet started are never sent later (they wait at the counter).
  virtual void abandon() = 0;
};

}  // namespace shubbak
