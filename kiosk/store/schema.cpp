#include "kiosk/store/schema.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

namespace shubbak::store_schema {

namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr std::array<std::string_view, 3> k_migrations = {
    // 1: journal, outbox, audit chain, counters.
    R"sql(
CREATE TABLE journal (
  sequence INTEGER PRIMARY KEY,          -- per kiosk, strictly increasing, never reused
  id TEXT NOT NULL UNIQUE,               -- UUIDv7, the portal's idempotency key
  wall_ms INTEGER NOT NULL,
  record TEXT NOT NULL,                  -- canonical JSON, exactly the signed bytes
  signature TEXT NOT NULL                -- base64 Ed25519 over `record`
) STRICT;
CREATE TABLE outbox (
  sequence INTEGER PRIMARY KEY REFERENCES journal(sequence),
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'quarantined')),
  acknowledged_wall_ms INTEGER,          -- when the portal said accepted or duplicate
  portal_result TEXT,                    -- 'accepted', 'duplicate' or 'rejected'
  reason TEXT                            -- the portal's reason when rejected
) STRICT;
CREATE INDEX outbox_by_state ON outbox(state, sequence);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  wall_ms INTEGER NOT NULL,
  boot_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
INSERT INTO counters(name, value) VALUES ('last_sequence', 0);
)sql",
    // 2: the receipt journal. No foreign key to `journal`: acknowledged transactions are purged
    // while their receipts may still wait at the counter.
    R"sql(
CREATE TABLE receipts (
  id TEXT PRIMARY KEY,                   -- UUIDv7
  transaction_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'ticket')),
  reference TEXT NOT NULL UNIQUE,        -- what the citizen reads out at the counter
  document TEXT NOT NULL,                -- the serialised ReceiptDocument, to print it again
  state TEXT NOT NULL CHECK (state IN ('pending', 'printed', 'failed', 'collect_at_counter')),
  attempts INTEGER NOT NULL DEFAULT 0,
  printer_state TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  printed_ms INTEGER
) STRICT;
CREATE INDEX receipts_by_state ON receipts(state, created_ms);
CREATE INDEX receipts_by_transaction ON receipts(transaction_id);
)sql",
    // 3: payment intents, beside the transactions they pay for, so the commit that stores a
    // transaction closes its payment in the same SQLite transaction. `status` is the terminal's
    // last answer and is not constrained: a damaged row must be readable, reported and skipped,
    // never guessed at by the database. `state` is the kiosk's own bookkeeping.
    R"sql(
CREATE TABLE payment_intents (
  reference TEXT PRIMARY KEY,            -- the kiosk's reference, unique per payment attempt
  minor_units INTEGER NOT NULL,
  currency TEXT NOT NULL,
  service_id TEXT NOT NULL,
  status TEXT NOT NULL,                  -- the terminal's last answer; 'unknown': sent, none heard
  terminal_reference TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('open', 'reversing', 'settled', 'reversed', 'closed')),
  transaction_id TEXT,                   -- the stored transaction that holds it, once settled
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX payment_intents_by_state ON payment_intents(state, created_ms);
)sql",
};

}  // namespace

int current_version() {
  return static_cast<int>(k_migrations.size());
}

Expected<void> migrate(sqlite::Database& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  if (*version > current_version()) {
    return fail(Errc::unsupported,
                fmt::format("the transaction store has schema version {}, newer than this "
                            "build's {}; refusing to touch it",
                            *version, current_version()));
  }
  for (auto v = static_cast<std::size_t>(*version); v < k_migrations.size(); ++v) {
    auto tx = sqlite::Transaction::begin(db);
    if (!tx) return std::unexpected(tx.error());
    if (auto applied = db.exec(k_migrations[v]); !applied) return applied;
    if (auto bumped = db.exec(fmt::format("PRAGMA user_version = {}", v + 1)); !bumped)
      return bumped;
    if (auto done = tx->commit(); !done) return done;
  }
  return {};
}

}  // namespace shubbak::store_schema
