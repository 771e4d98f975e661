#include "kiosk/store/receipt_journal.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/store/store_transaction.hpp"
#include "kiosk/store/transaction_record.hpp"

namespace shubbak {

namespace {

using Json = nlohmann::json;

constexpr std::string_view k_columns =
    "id, transaction_id, kind, reference, document, state, attempts, printer_state, error, "
    "created_ms, "
    "updated_ms, printed_ms";

JournaledReceipt read_row(const sqlite::Statement& row) {
  JournaledReceipt r;
  r.id = row.column_text(0);
  r.transaction_id = row.column_text(1);
  r.kind = row.column_text(2) == "ticket" ? ReceiptKind::ticket : ReceiptKind::receipt;
  r.reference = row.column_text(3);
  r.document = row.column_text(4);
  std::string state = row.column_text(5);
  for (auto s : {ReceiptState::pending, ReceiptState::printed, ReceiptState::failed,
                 ReceiptState::collect_at_counter}) {
    if (state == receipt_state_name(s)) r.state = s;
  }
  r.attempts = static_cast<int>(row.column_int(6));
  r.printer_state = row.column_text(7);
  r.error = row.column_text(8);
  r.created_ms = row.column_int(9);
  r.updated_ms = row.column_int(10);
  if (!row.column_is_null(11)) r.printed_ms = row.column_int(11);
  return r;
}

// The store's card-number guard over every text of the document. The transaction's own id is
// left out: the store issued it, and a UUID's hex groups can read as a run of digits. So is the
// receipt's seal: the kiosk's own signed base45 text, not anything a citizen gave.
bool holds_card_number(const Json& value, std::string_view transaction_id) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    return text != transaction_id && looks_like_card_number(text);
  }
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (key != "qr_text" && holds_card_number(item, transaction_id)) return true;
    }
    return false;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (holds_card_number(item, transaction_id)) return true;
    }
  }
  return false;
}

}  // namespace

std::string_view receipt_kind_name(ReceiptKind kind) {
  return kind == ReceiptKind::ticket ? "ticket" : "receipt";
}

std::string_view receipt_state_name(ReceiptState state) {
  switch (state) {
    case ReceiptState::pending:
      return "pending";
    case ReceiptState::printed:
      return "printed";
    case ReceiptState::failed:
      return "failed";
    case ReceiptState::collect_at_counter:
      return "collect_at_counter";
  }
  return "failed";
}

Expected<JournaledReceipt> ReceiptJournal::journal(std::string_view transaction_id,
                                                   ReceiptKind kind,
                                                   std::string_view document_json) {
  Json document = Json::parse(document_json, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return fail(Errc::invalid_argument, "a receipt document must be a JSON object");
  }
  if (holds_card_number(document, transaction_id)) {
    return fail(Errc::invalid_argument,
                "the receipt holds something that looks like a card number; it is never stored");
  }
  JournaledReceipt receipt;
  receipt.transaction_id = std::string(transaction_id);
  receipt.kind = kind;
  receipt.document = std::string(document_json);
  auto written = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    receipt.created_ms = receipt.updated_ms = tx.now_ms;
    {
      std::lock_guard lock(m_ids_mutex);
      auto id = m_ids.next(tx.now_ms);
      if (!id) return std::unexpected(id.error());
      receipt.id = std::move(*id);
    }
    // The reference is the transaction's sequence number, unique on the kiosk and short enough to
    // read out; a transaction's second document (a ticket beside a receipt) gets "-2", and so on.
    auto sequence = tx.db.prepare("SELECT sequence FROM journal WHERE id = ?");
    if (!sequence) return std::unexpected(sequence.error());
    auto found = sequence->bind(1, transaction_id).step();
    if (!found) return std::unexpected(found.error());
    if (!*found)
      return fail(Errc::not_found,
                  fmt::format("no transaction {} to journal a receipt for", transaction_id));
    std::int64_t number = sequence->column_int(0);
    auto earlier = tx.db.prepare("SELECT count(*) FROM receipts WHERE transaction_id = ?");
    if (!earlier) return std::unexpected(earlier.error());
    if (auto row = earlier->bind(1, transaction_id).step(); !row)
      return std::unexpected(row.error());
    std::int64_t count = earlier->column_int(0);
    receipt.reference =
        count == 0 ? std::to_string(number) : fmt::format("{}-{}", number, count + 1);

    auto insert = tx.db.prepare(
        "INSERT INTO receipts(id, transaction_id, kind, reference, document, state, created_ms, "
        "updated_ms) "
        "VALUES (?,?,?,?,?,'pending',?,?)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, receipt.id)
        .bind(2, transaction_id)
        .bind(3, receipt_kind_name(kind))
        .bind(4, receipt.reference);
    insert->bind(5, document_json).bind(6, receipt.created_ms).bind(7, receipt.updated_ms);
    return insert->run();
  });
  if (!written) return std::unexpected(written.error());
  return receipt;
}

Expected<void> ReceiptJournal::mark_printed(std::string_view id, std::string_view printer_state) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto update = tx.db.prepare(
        "UPDATE receipts SET state = 'printed', attempts = attempts + 1, printer_state = ?, error "
        "= '', "
        "updated_ms = ?, printed_ms = ? WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    if (auto ok =
            update->bind(1, printer_state).bind(2, tx.now_ms).bind(3, tx.now_ms).bind(4, id).run();
        !ok)
      return ok;
    if (tx.db.changes() == 0) return fail(Errc::not_found, fmt::format("no receipt {}", id));
    return {};
  });
}

Expected<void> ReceiptJournal::mark_failed(std::string_view id, std::string_view printer_state,
                                           std::string_view error, bool collect_at_counter) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    // A printed row stays printed: a failed reprint does not undo the first print.
    auto update = tx.db.prepare(
        "UPDATE receipts SET state = CASE WHEN state = 'printed' THEN 'printed' "
        "WHEN ? OR state = 'collect_at_counter' THEN 'collect_at_counter' ELSE 'failed' END, "
        "attempts = attempts + 1, printer_state = ?, error = ?, updated_ms = ? WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    update->bind(1, std::int64_t{collect_at_counter ? 1 : 0}).bind(2, printer_state).bind(3, error);
    if (auto ok = update->bind(4, tx.now_ms).bind(5, id).run(); !ok) return ok;
    if (tx.db.changes() == 0) return fail(Errc::not_found, fmt::format("no receipt {}", id));
    return {};
  });
}

Expected<void> ReceiptJournal::keep_for_counter(std::string_view id, std::string_view why) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto update = tx.db.prepare(
        "UPDATE receipts SET state = 'collect_at_counter', error = ?, updated_ms = ? WHERE id = ? "
        "AND state <> 'printed'");
    if (!update) return std::unexpected(update.error());
    return update->bind(1, why).bind(2, tx.now_ms).bind(3, id).run();
  });
}

Expected<JournaledReceipt> ReceiptJournal::find(std::string_view id) {
  std::optional<JournaledReceipt> found;
  auto read = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto select = tx.db.prepare(fmt::format("SELECT {} FROM receipts WHERE id = ?", k_columns));
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, id).step();
    if (!row) return std::unexpected(row.error());
    if (*row) found = read_row(*select);
    return {};
  });
  if (!read) return std::unexpected(read.error());
  if (!found) return fail(Errc::not_found, fmt::format("no receipt {}", id));
  return std::move(*found);
}

Expected<std::vector<JournaledReceipt>> ReceiptJournal::list(std::string_view where,
                                                             std::size_t limit) {
  std::vector<JournaledReceipt> rows;
  auto read = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto select = tx.db.prepare(fmt::format(
        "SELECT {} FROM receipts {} ORDER BY created_ms DESC, id DESC LIMIT ?", k_columns, where));
    if (!select) return std::unexpected(select.error());
    select->bind(1, static_cast<std::int64_t>(limit));
    for (;;) {
      auto row = select->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return {};
      rows.push_back(read_row(*select));
    }
  });
  if (!read) return std::unexpected(read.error());
  return rows;
}

Expected<std::vector<JournaledReceipt>> ReceiptJournal::recent(std::size_t limit) {
  return list("", limit);
}

Expected<std::vector<JournaledReceipt>> ReceiptJournal::unprinted(std::size_t limit) {
  return list("WHERE state <> 'printed'", limit);
}

Expected<std::int64_t> ReceiptJournal::recover_interrupted() {
  std::int64_t recovered = 0;
  auto done = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto update = tx.db.prepare(
        "UPDATE receipts SET state = 'failed', error = 'interrupted: the kiosk stopped before the "
        "print finished', "
        "updated_ms = ? WHERE state = 'pending'");
    if (!update) return std::unexpected(update.error());
    if (auto ok = update->bind(1, tx.now_ms).run(); !ok) return ok;
    recovered = tx.db.changes();
    if (recovered == 0) return {};
    Json detail = {{"interrupted", recovered}};
    return tx.audit(audit_kind::print_interrupted, detail.dump());
  });
  if (!done) return std::unexpected(done.error());
  return recovered;
}

}  // namespace shubbak
