// The payment intents: every payment the kiosk starts, as a row of the transaction store's own
// file, written before the terminal is asked and updated with its answer. The commit that stores
// the transaction settles its intent in the same SQLite transaction (TransactionStore::commit),
// so after any crash the kiosk reads, in one place, whether a payment belongs to a stored
// transaction. Holds no card data and no citizen data: reference, amount, service, the
// terminal's answer.
//
// States: open (written; the terminal's answer, if any, in `status`) -> settled (its transaction
// is stored), or -> reversing (claimed for a reversal: no transaction may settle it any more)
// -> reversed, or -> closed (never charged). Each end is audited in the transaction that writes it.
//
// Rows are read back as stored, not judged: `status` is the terminal's answer as text, and a
// damaged row comes back for the caller (kiosk/payments) to report and skip.
//
// Threading: like the store, any thread; each call is one short SQLite transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

struct StoredPaymentIntent {
  std::string reference;  // the kiosk's, unique per payment attempt
  std::int64_t minor_units = 0;
  std::string currency;
  std::string service_id;
  std::string status;  // the terminal's last answer ("unknown": sent, no answer heard)
  std::string terminal_reference;
  std::string state;           // open, reversing, settled, reversed, closed
  std::string transaction_id;  // once settled
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
};

// How an intent ended, as stored and audited.
enum class IntentEnd { settled, reversed, closed };

class PaymentIntentTable {
 public:
  // `store` must outlive the table.
  explicit PaymentIntentTable(TransactionStore& store) : m_store(store) {}

  // A new intent, open, before the terminal sees it. Refused (Errc::invalid_argument) if the
  // reference exists.
  Expected<void> open(const StoredPaymentIntent& intent);
  // Imports an intent from the old one-file-per-payment journal; an existing reference is kept.
  // Returns whether a row was written.
  Expected<bool> import(const StoredPaymentIntent& intent);
  // The terminal's answer to an open (or reversing) intent.
  Expected<void> answer(std::string_view reference, std::string_view status,
                        std::string_view terminal_reference);
  // Claims an open intent for a reversal, so no commit can settle it from now on. Refused
  // (Errc::invalid_argument) when it is settled or its transaction is stored; a reversing intent
  // may be claimed again (a reversal a crash interrupted).
  Expected<void> claim_for_reversal(std::string_view reference);
  // Ends an unresolved intent (open or reversing) with an audit entry ({"reference", "decision",
  // and `why`}) in the same transaction. Ending it `settled` records `transaction_id`.
  Expected<void> end(std::string_view reference, IntentEnd how, std::string_view why,
                     std::string_view transaction_id = {});
  // Audits a decision that leaves the intent as it is (the terminal could not be asked, the row
  // is damaged): the next start tries again.
  Expected<void> note_unresolved(std::string_view reference, std::string_view why);

  // Open and reversing intents, oldest first.
  Expected<std::vector<StoredPaymentIntent>> unresolved();
  Expected<std::optional<StoredPaymentIntent>> find(std::string_view reference);
  // The id of the stored transaction that includes the payment `reference`: the intent's own
  // settlement, or a journal row naming it (a transaction stored by a build that closed intents
  // after the commit). Empty when none.
  Expected<std::optional<std::string>> transaction_for(std::string_view reference);

 private:
  TransactionStore& m_store;
};

std::string_view intent_end_name(IntentEnd how);

}  // namespace shubbak
