// Every payment the kiosk starts, as a row of the transaction store
// (kiosk/store/payment_intents.hpp): written before the terminal sees it, updated with the
// terminal's answer, and settled by the very commit that stores its transaction. This is the
// payments' view of that table: the terminal's answers as PaymentStatus, damaged rows sorted out
// from good ones, the pre-flight, and the one-time import of the intents an older build kept as one
// JSON file per payment. Holds no card data and no citizen data: reference, amount, service,
// status.
//
// Threading: like the store, any thread; every call is one short SQLite transaction.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "drivers/payment/payment_terminal.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/store/payment_intents.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace shubbak {

struct PaymentIntent {
  std::string reference;
  Money amount;
  std::string service_id;
  PaymentStatus status = PaymentStatus::unknown;  // unknown: sent, no answer heard yet
  std::string terminal_reference;
  bool reversing = false;  // claimed for a reversal that has not been confirmed yet
};

// A row that cannot be read as an intent (a bad status, amount or reference). Never guessed at:
// reported, audited, and reconciled by its reference alone when that is intact.
struct DamagedIntent {
  std::string reference;  // as stored
  std::string reason;
};

struct UnresolvedIntents {
  std::vector<PaymentIntent> intents;  // oldest first
  std::vector<DamagedIntent> damaged;
};

// The kiosk's own references: [A-Za-z0-9-]{1,64}.
bool safe_payment_reference(std::string_view reference);

class PaymentJournal {
 public:
  // `store` must outlive the journal. `legacy_directory`: where an older build kept one JSON
  // file per payment (DATA_DIR/payments); empty: none.
  explicit PaymentJournal(TransactionStore& store, std::filesystem::path legacy_directory = {});

  // Every check that could refuse `draft` once paid (TransactionStore::check).
  Expected<void> preflight(const TransactionDraft& draft);
  // A new payment, before the terminal sees it.
  Expected<void> begin(const PaymentIntent& intent);
  // The terminal's answer.
  Expected<void> answer(const std::string& reference, const PaymentResult& result);

  // The payments whose session never reached its transaction or its reversal.
  Expected<UnresolvedIntents> unresolved();
  // The stored transaction that includes `reference`, if any: the store's word comes first.
  Expected<std::optional<std::string>> transaction_for(const std::string& reference);
  // From now on no transaction can settle `reference` (see PaymentIntentTable).
  Expected<void> claim_for_reversal(const std::string& reference);
  // How the payment ended, audited with `why`.
  Expected<void> end(const std::string& reference, IntentEnd how, std::string_view why,
                     std::string_view transaction_id = {});
  // Audits that the payment stays open for the next start, and why.
  Expected<void> note_unresolved(const std::string& reference, std::string_view why);

  // Moves the older build's JSON intents into the store once, then removes the files. A damaged
  // file whose name is a reference becomes an intent with an unknown answer (the terminal is
  // asked); files that cannot be moved stay for the next start. Returns how many moved.
  Expected<int> import_legacy();

 private:
  TransactionStore& m_store;
  PaymentIntentTable m_table;
  std::filesystem::path m_legacy_directory;
};

}  // namespace shubbak
