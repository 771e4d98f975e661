#include "kiosk/store/payment_intents.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/store_transaction.hpp"

namespace shubbak {

namespace {

using Json = nlohmann::json;

constexpr std::string_view k_columns =
    "reference, minor_units, currency, service_id, status, terminal_reference, state, "
    "coalesce(transaction_id, ''), created_ms, updated_ms";

StoredPaymentIntent read_row(const sqlite::Statement& row) {
  StoredPaymentIntent r;
  r.reference = row.column_text(0);
  r.minor_units = row.column_int(1);
  r.currency = row.column_text(2);
  r.service_id = row.column_text(3);
  r.status = row.column_text(4);
  r.terminal_reference = row.column_text(5);
  r.state = row.column_text(6);
  r.transaction_id = row.column_text(7);
  r.created_ms = row.column_int(8);
  r.updated_ms = row.column_int(9);
  return r;
}

std::string_view audit_kind_of(IntentEnd how) {
  switch (how) {
    case IntentEnd::settled:
      return audit_kind::payment_settled;
    case IntentEnd::reversed:
      return audit_kind::payment_reversed;
    case IntentEnd::closed:
      return audit_kind::payment_closed;
  }
  return audit_kind::payment_closed;
}

Expected<std::optional<std::string>> transaction_in(StoreTransaction& tx,
                                                    std::string_view reference) {
  auto own = tx.db.prepare(
      "SELECT transaction_id FROM payment_intents WHERE reference = ? AND state = 'settled'");
  if (!own) return std::unexpected(own.error());
  auto row = own->bind(1, reference).step();
  if (!row) return std::unexpected(row.error());
  if (*row && !own->column_is_null(0)) return own->column_text(0);
  auto journal = tx.db.prepare(
      "SELECT id FROM journal WHERE json_extract(record, '$.payment_reference') = ? LIMIT 1");
  if (!journal) return std::unexpected(journal.error());
  row = journal->bind(1, reference).step();
  if (!row) return std::unexpected(row.error());
  if (*row) return journal->column_text(0);
  return std::nullopt;
}

Expected<void> insert(StoreTransaction& tx, const StoredPaymentIntent& intent, bool or_ignore) {
  auto stmt =
      tx.db.prepare(fmt::format("INSERT {} INTO payment_intents(reference, minor_units, currency, "
                                "service_id, status, terminal_reference, "
                                "state, created_ms, updated_ms) VALUES (?,?,?,?,?,?,'open',?,?)",
                                or_ignore ? "OR IGNORE" : ""));
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, intent.reference)
      .bind(2, intent.minor_units)
      .bind(3, intent.currency)
      .bind(4, intent.service_id);
  stmt->bind(5, intent.status)
      .bind(6, intent.terminal_reference)
      .bind(7, tx.now_ms)
      .bind(8, tx.now_ms);
  return stmt->run();
}

}  // namespace

std::string_view intent_end_name(IntentEnd how) {
  switch (how) {
    case IntentEnd::settled:
      return "settled";
    case IntentEnd::reversed:
      return "reversed";
    case IntentEnd::closed:
      return "closed";
  }
  return "closed";
}

Expected<void> PaymentIntentTable::open(const StoredPaymentIntent& intent) {
  return m_store.in_transaction([&](StoreTransaction& tx) { return insert(tx, intent, false); });
}

Expected<bool> PaymentIntentTable::import(const StoredPaymentIntent& intent) {
  bool written = false;
  auto done = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    if (auto ok = insert(tx, intent, true); !ok) return ok;
    written = tx.db.changes() > 0;
    if (!written) return {};
    Json detail = {
        {"reference", intent.reference}, {"decision", "imported"}, {"status", intent.status}};
    return tx.audit(audit_kind::payment_unresolved, detail.dump());
  });
  if (!done) return std::unexpected(done.error());
  return written;
}

Expected<void> PaymentIntentTable::answer(std::string_view reference, std::string_view status,
                                          std::string_view terminal_reference) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto stmt = tx.db.prepare(
        "UPDATE payment_intents SET status = ?, terminal_reference = ?, updated_ms = ? "
        "WHERE reference = ? AND state IN ('open', 'reversing')");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, status).bind(2, terminal_reference).bind(3, tx.now_ms).bind(4, reference);
    if (auto ok = stmt->run(); !ok) return ok;
    if (tx.db.changes() == 0)
      return fail(Errc::not_found, fmt::format("no open payment {}", reference));
    return {};
  });
}

Expected<void> PaymentIntentTable::claim_for_reversal(std::string_view reference) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto stored = transaction_in(tx, reference);
    if (!stored) return std::unexpected(stored.error());
    if (*stored) {
      return fail(Errc::invalid_argument,
                  fmt::format("payment {} belongs to stored transaction {}; never reversed",
                              reference, **stored));
    }
    auto stmt = tx.db.prepare(
        "UPDATE payment_intents SET state = 'reversing', updated_ms = ? WHERE reference = ? AND "
        "state IN ('open', "
        "'reversing')");
    if (!stmt) return std::unexpected(stmt.error());
    if (auto ok = stmt->bind(1, tx.now_ms).bind(2, reference).run(); !ok) return ok;
    if (tx.db.changes() == 0)
      return fail(Errc::not_found, fmt::format("no open payment {} to reverse", reference));
    return {};
  });
}

Expected<void> PaymentIntentTable::end(std::string_view reference, IntentEnd how,
                                       std::string_view why, std::string_view transaction_id) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto stmt = tx.db.prepare(
        "UPDATE payment_intents SET state = ?, transaction_id = nullif(?, ''), updated_ms = ? "
        "WHERE reference = ? AND state IN ('open', 'reversing')");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(1, intent_end_name(how))
        .bind(2, transaction_id)
        .bind(3, tx.now_ms)
        .bind(4, reference);
    if (auto ok = stmt->run(); !ok) return ok;
    if (tx.db.changes() == 0)
      return fail(Errc::not_found, fmt::format("no unresolved payment {}", reference));
    Json detail = {{"reference", reference}, {"decision", intent_end_name(how)}, {"why", why}};
    if (!transaction_id.empty()) detail["transaction"] = transaction_id;
    return tx.audit(audit_kind_of(how), detail.dump());
  });
}

Expected<void> PaymentIntentTable::note_unresolved(std::string_view reference,
                                                   std::string_view why) {
  return m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    // The reference of a damaged row may be anything: JSON escapes it, and it is cut short.
    Json detail = {{"reference", std::string(reference.substr(0, 80))},
                   {"decision", "left open"},
                   {"why", why}};
    return tx.audit(audit_kind::payment_unresolved,
                    detail.dump(-1, ' ', false, Json::error_handler_t::replace));
  });
}

Expected<std::vector<StoredPaymentIntent>> PaymentIntentTable::unresolved() {
  std::vector<StoredPaymentIntent> rows;
  auto done = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto stmt =
        tx.db.prepare(fmt::format("SELECT {} FROM payment_intents WHERE state IN ('open', "
                                  "'reversing') ORDER BY created_ms, rowid",
                                  k_columns));
    if (!stmt) return std::unexpected(stmt.error());
    for (;;) {
      auto row = stmt->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return {};
      rows.push_back(read_row(*stmt));
    }
  });
  if (!done) return std::unexpected(done.error());
  return rows;
}

Expected<std::optional<StoredPaymentIntent>> PaymentIntentTable::find(std::string_view reference) {
  std::optional<StoredPaymentIntent> found;
  auto done = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto stmt =
        tx.db.prepare(fmt::format("SELECT {} FROM payment_intents WHERE reference = ?", k_columns));
    if (!stmt) return std::unexpected(stmt.error());
    auto row = stmt->bind(1, reference).step();
    if (!row) return std::unexpected(row.error());
    if (*row) found = read_row(*stmt);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return found;
}

Expected<std::optional<std::string>> PaymentIntentTable::transaction_for(
    std::string_view reference) {
  std::optional<std::string> found;
  auto done = m_store.in_transaction([&](StoreTransaction& tx) -> Expected<void> {
    auto stored = transaction_in(tx, reference);
    if (!stored) return std::unexpected(stored.error());
    found = std::move(*stored);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return found;
}

}  // namespace shubbak
