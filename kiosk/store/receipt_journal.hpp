// The receipt journal: every receipt and queue ticket the kiosk prints, written to the
// transaction store's file BEFORE the printer is touched, so a crash, a power cut or a printer
// out of paper never loses one. Each row keeps the document needed to print it again (the
// serialised ReceiptDocument, never a card number: the store's card-number guard applies), its
// state, the printer's last word, and a short reference a citizen can read out at the counter.
//
// States: pending (journaled, print not finished) -> printed, or -> failed (an attempt failed;
// nobody was sent to the counter yet), or -> collect_at_counter (the citizen was told to collect
// it at the counter with its reference). Everything but printed is "unprinted".
//
// Threading: like the store, any thread; every call is one short SQLite transaction (the
// journal() commit waits for an fsync): call from a worker.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/store/uuid7.hpp"

namespace shubbak {

enum class ReceiptKind { receipt, ticket };
enum class ReceiptState { pending, printed, failed, collect_at_counter };

// As stored: "receipt", "ticket"; "pending", "printed", "failed", "collect_at_counter".
std::string_view receipt_kind_name(ReceiptKind kind);
std::string_view receipt_state_name(ReceiptState state);

struct JournaledReceipt {
  std::string id;  // UUIDv7
  std::string transaction_id;
  ReceiptKind kind = ReceiptKind::receipt;
  std::string reference;  // the counter reference: the transaction's sequence number ("42", "42-2")
  std::string document;   // the serialised ReceiptDocument (JSON)
  ReceiptState state = ReceiptState::pending;
  int attempts = 0;
  std::string printer_state;  // printer_state_name at the last attempt; empty before one
  std::string error;          // the last failure, for the technician; never shown to citizens
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::optional<std::int64_t> printed_ms;
};

class ReceiptJournal {
 public:
  // `store` must outlive the journal.
  explicit ReceiptJournal(TransactionStore& store) : m_store(store) {}

  // Journals a new document for the committed transaction `transaction_id`, pending. Refuses
  // (Errc::invalid_argument) a document that is not a JSON object or holds anything that looks
  // like a card number, and (Errc::not_found) a transaction the store does not hold.
  Expected<JournaledReceipt> journal(std::string_view transaction_id, ReceiptKind kind,
                                     std::string_view document_json);
  // One attempt done: printed, or failed with the printer's state and the error. A failed
  // attempt on a row whose citizen was already sent to the counter stays collect_at_counter.
  Expected<void> mark_printed(std::string_view id, std::string_view printer_state);
  Expected<void> mark_failed(std::string_view id, std::string_view printer_state,
                             std::string_view error, bool collect_at_counter);

  // No attempt made (the citizen walked away before it printed): it waits at the counter.
  Expected<void> keep_for_counter(std::string_view id, std::string_view why);

  Expected<JournaledReceipt> find(std::string_view id);
  // Newest first.
  Expected<std::vector<JournaledReceipt>> recent(std::size_t limit);
  Expected<std::vector<JournaledReceipt>> unprinted(std::size_t limit);

  // At start: rows a crash left pending become failed ("interrupted"), so they are listed as
  // unprinted and are never printed twice automatically; a technician or the counter decides.
  // Audited when there were any. Returns how many.
  Expected<std::int64_t> recover_interrupted();

 private:
  Expected<std::vector<JournaledReceipt>> list(std::string_view where, std::size_t limit);
  TransactionStore& m_store;
  std::mutex m_ids_mutex;
  Uuid7Generator m_ids;
};

}  // namespace shubbak
