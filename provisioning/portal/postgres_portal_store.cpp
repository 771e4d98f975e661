#include "provisioning/portal/postgres_portal_store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/core/kiosk_group.hpp"
#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/core/short_reference.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/store/uuid7.hpp"
#include "provisioning/portal/postgres.hpp"
#include "provisioning/portal/store_rules.hpp"

namespace shubbak::portal {

namespace {

using postgres::Params;

// The columns every transaction lookup reads, in StoredTransaction's order.
constexpr std::string_view k_select_transactions =
    "SELECT id, kiosk_id, sequence, record, received_ms FROM transactions ";

std::vector<StoredTransaction> read_transactions(const postgres::Result& rows) {
  std::vector<StoredTransaction> found;
  for (int r = 0; r < rows.rows(); ++r) {
    found.push_back(StoredTransaction{rows.text(r, 0), rows.text(r, 1), rows.integer(r, 2),
                                      rows.text(r, 3), rows.integer(r, 4)});
  }
  return found;
}

// Schema migrations, applied in order, each once; a database records the ones it has. Never
// edit one that has shipped: add the next.
constexpr std::string_view k_migrations[] = {
    R"sql(
CREATE TABLE transactions (
  id text PRIMARY KEY,
  kiosk_id text NOT NULL,
  sequence bigint NOT NULL,
  record text NOT NULL,
  record_sha256 text NOT NULL,
  signature text NOT NULL,
  received_ms bigint NOT NULL,
  UNIQUE (kiosk_id, sequence)
);
CREATE TABLE kiosks (
  kiosk_id text PRIMARY KEY,
  device_key text NOT NULL,
  first_seen_ms bigint NOT NULL
);
CREATE TABLE heartbeats (
  kiosk_id text PRIMARY KEY,
  received_ms bigint NOT NULL,
  queue_depth bigint NOT NULL,
  audit_head_seq bigint NOT NULL,
  audit_head_hash text NOT NULL,
  body text NOT NULL
);
CREATE TABLE heartbeat_history (
  id bigserial PRIMARY KEY,
  kiosk_id text NOT NULL,
  received_ms bigint NOT NULL,
  body text NOT NULL
);
CREATE INDEX heartbeat_history_by_kiosk ON heartbeat_history(kiosk_id, id);
CREATE TABLE enrolment_tokens (
  token_sha256 text PRIMARY KEY,
  kiosk_id text NOT NULL,
  expires_ms bigint NOT NULL,
  used_ms bigint
);
)sql",
    R"sql(
ALTER TABLE enrolment_tokens ADD COLUMN groups text NOT NULL DEFAULT '',
                             ADD COLUMN issued_ms bigint,
                             ADD COLUMN revoked_ms bigint;
CREATE INDEX enrolment_tokens_by_id ON enrolment_tokens(substr(token_sha256, 1, 12));
ALTER TABLE kiosks ADD COLUMN groups text NOT NULL DEFAULT '';
ALTER TABLE heartbeats ADD COLUMN groups text,
                       ADD COLUMN queue_rises bigint NOT NULL DEFAULT 0;
)sql",
    // The console: refused upload items, and transactions found by the beginning of their id.
    R"sql(
CREATE TABLE item_refusals (
  kiosk_id text NOT NULL,
  transaction_id text NOT NULL,
  reason text NOT NULL,
  first_seen_ms bigint NOT NULL,
  last_seen_ms bigint NOT NULL,
  times_seen bigint NOT NULL,
  PRIMARY KEY (kiosk_id, transaction_id)
);
CREATE INDEX item_refusals_by_time ON item_refusals(last_seen_ms);
CREATE INDEX transactions_by_id_prefix ON transactions(id text_pattern_ops);
)sql",
    // The short human reference of each transaction (kiosk/core/short_reference.hpp), kept to be
    // searched; rows stored before it are filled in by fill_short_references().
    R"sql(
ALTER TABLE transactions ADD COLUMN short_reference text;
CREATE INDEX transactions_by_short_reference ON transactions(short_reference);
)sql",
};

// Gives every transaction stored without its short reference the one its id derives.
Expected<void> fill_short_references(postgres::Connection& db) {
  auto rows = db.query("SELECT id FROM transactions WHERE short_reference IS NULL");
  if (!rows) return std::unexpected(rows.error());
  for (int r = 0; r < rows->rows(); ++r) {
    std::string id = rows->text(r, 0);
    if (auto ok = db.query("UPDATE transactions SET short_reference = $1 WHERE id = $2",
                           Params{*parse_short_reference(short_reference(id)), id});
        !ok)
      return std::unexpected(ok.error());
  }
  return {};
}

// Any fixed number: the key of the advisory lock that serialises migrations.
constexpr std::string_view k_migration_lock = "7201185417";

Expected<void> migrate(postgres::Connection& db, Log& log) {
  auto tx = postgres::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  if (auto ok = db.query(fmt::format("SELECT pg_advisory_xact_lock({})", k_migration_lock)); !ok)
    return std::unexpected(ok.error());
  if (auto ok =
          db.query("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                   "applied_ms bigint NOT NULL)");
      !ok)
    return std::unexpected(ok.error());
  auto applied = db.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!applied) return std::unexpected(applied.error());
  std::int64_t version = applied->integer(0, 0);
  constexpr auto known = static_cast<std::int64_t>(std::size(k_migrations));
  if (version > known) {
    return fail(Errc::unsupported,
                fmt::format("the database's schema is version {}, newer than this portal's {}; "
                            "run the newer portal",
                            version, known));
  }
  for (std::int64_t next = version + 1; next <= known; ++next) {
    if (auto ok = db.run_script(k_migrations[next - 1]); !ok) return std::unexpected(ok.error());
    if (auto ok = db.query("INSERT INTO schema_migrations(version, applied_ms) VALUES ($1, $2)",
                           Params{std::to_string(next), std::to_string(portal_now_ms())});
        !ok)
      return std::unexpected(ok.error());
    log.info("database schema migrated to version {}", next);
  }
  if (auto ok = fill_short_references(db); !ok) return std::unexpected(ok.error());
  return tx->commit();
}

class PostgresPortalStore final : public PortalStore {
 public:
  PostgresPortalStore(std::string uri, int connections, Log log)
      : PortalStore(std::move(log)), m_pool(std::move(uri), connections) {}

  Expected<void> record_heartbeat(std::string_view client_kiosk_id,
                                  const std::vector<std::string>& client_groups,
                                  const portal_protocol::Heartbeat& heartbeat) override;
  Expected<std::int64_t> transaction_count() override;
  Expected<std::vector<KioskSnapshot>> kiosks() override;
  Expected<std::vector<KioskSnapshot>> heartbeat_history(std::string_view kiosk_id,
                                                         int limit) override;
  Expected<std::string> issue_enrolment_token(std::string_view kiosk_id,
                                              std::chrono::seconds lifetime,
                                              const std::vector<std::string>& groups) override;
  Expected<std::string> enrol(std::string_view token, std::string_view kiosk_id,
                              std::string_view device_key,
                              const CertificateIssuer& issue_certificate) override;
  Expected<std::vector<EnrolmentTokenInfo>> enrolment_tokens(int limit) override;
  Expected<EnrolmentTokenInfo> revoke_enrolment_token(std::string_view token_id) override;
  Expected<std::vector<StoredTransaction>> find_transactions(std::string_view id_prefix,
                                                             int limit) override;
  Expected<std::vector<StoredTransaction>> find_transactions_by_short_reference(
      std::string_view compact, int limit) override;
  Expected<std::optional<StoredTransaction>> find_transaction_by_sequence(
      std::string_view kiosk_id, std::int64_t sequence) override;
  Expected<std::optional<std::string>> device_key(std::string_view kiosk_id) override;
  Expected<std::vector<ItemRefusal>> refusals(std::string_view kiosk_id, int limit) override;

 private:
  Expected<std::vector<UploadResult>> store_batch(std::string_view client_kiosk_id,
                                                  const portal_protocol::Batch& batch) override;
  Expected<void> keep_refusals(std::string_view client_kiosk_id,
                               const std::vector<UploadResult>& results) override;

  postgres::ConnectionPool m_pool;
};

// The stored digest of each of `ids` that is in the database.
Expected<std::map<std::string, std::string>> stored_digests(postgres::Connection& db,
                                                            const std::vector<std::string>& ids) {
  std::map<std::string, std::string> digests;
  if (ids.empty()) return digests;
  auto rows = db.query("SELECT id, record_sha256 FROM transactions WHERE id = ANY($1::text[])",
                       Params{postgres::text_array(ids)});
  if (!rows) return std::unexpected(rows.error());
  for (int r = 0; r < rows->rows(); ++r) digests[rows->text(r, 0)] = rows->text(r, 1);
  return digests;
}

Expected<std::vector<UploadResult>> PostgresPortalStore::store_batch(
    std::string_view client_kiosk_id, const portal_protocol::Batch& batch) {
  Bytes offered_key;
  if (std::string why = batch_refusal(client_kiosk_id, batch, offered_key); !why.empty())
    return reject_all(batch, why);
  const std::string kiosk(client_kiosk_id);
  const std::string device_key_refusal = "device key differs from the key this kiosk enrolled with";

  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto tx = postgres::Transaction::begin(**db);
  if (!tx) return std::unexpected(tx.error());
  auto pinned = (*db)->query("SELECT device_key FROM kiosks WHERE kiosk_id = $1", Params{kiosk});
  if (!pinned) return std::unexpected(pinned.error());
  if (pinned->rows() > 0 && pinned->text(0, 0) != batch.device_key)
    return reject_all(batch, device_key_refusal);
  bool pin_on_success = pinned->rows() == 0;

  // The same order of checks as the SQLite store: the id's form, then what is stored under it
  // (a duplicate or a conflict), then the record itself; whatever is left is inserted at once.
  std::vector<UploadResult> results(batch.items.size());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    results[i].id = batch.items[i].id;
    if (is_uuid7(batch.items[i].id)) ids.push_back(batch.items[i].id);
  }
  auto before = stored_digests(**db, ids);
  if (!before) return std::unexpected(before.error());

  std::vector<std::size_t> candidates;
  std::vector<std::string> digests(batch.items.size());
  std::vector<std::int64_t> sequences(batch.items.size());
  auto reject = [&](std::size_t i, std::string why) {
    results[i].outcome = UploadOutcome::rejected;
    results[i].reason = std::move(why);
  };
  auto judge_stored = [&](std::size_t i, const std::string& stored_digest) {
    if (stored_digest == digests[i]) {
      results[i].outcome = UploadOutcome::duplicate;
    } else {
      reject(i, "conflict: this id was stored with another record");
    }
  };
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    const OutboxItem& item = batch.items[i];
    if (!is_uuid7(item.id)) {
      reject(i, "id is not a UUIDv7");
      continue;
    }
    digests[i] = to_hex(sha256(item.record));
    if (auto found = before->find(item.id); found != before->end()) {
      judge_stored(i, found->second);
      continue;
    }
    auto record = parse_record(item.record);
    if (!record) {
      reject(i, "malformed record: " + record.error().message);
      continue;
    }
    if (std::string why = item_refusal(client_kiosk_id, offered_key, item, *record); !why.empty()) {
      reject(i, std::move(why));
      continue;
    }
    sequences[i] = record->sequence;
    candidates.push_back(i);
  }

  std::set<std::string> inserted;
  if (!candidates.empty()) {
    std::vector<std::string> c_ids, c_sequences, c_records, c_digests, c_signatures, c_references;
    for (std::size_t i : candidates) {
      c_ids.push_back(batch.items[i].id);
      c_references.push_back(*parse_short_reference(short_reference(batch.items[i].id)));
      c_sequences.push_back(std::to_string(sequences[i]));
      c_records.push_back(batch.items[i].record);
      c_digests.push_back(digests[i]);
      c_signatures.push_back(batch.items[i].signature);
    }
    // A row that breaks either key (the id, or this kiosk's sequence) is skipped, whether it
    // was stored before, earlier in this batch, or by another portal process at this moment
    // (which then waits for that one to commit or roll back).
    auto rows = (*db)->query(
        "INSERT INTO transactions(id, kiosk_id, sequence, record, record_sha256, signature, "
        "received_ms, short_reference) SELECT id, $2, sequence, record, record_sha256, "
        "signature, $3, short_reference FROM "
        "unnest($1::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[]) "
        "AS t(id, sequence, record, record_sha256, signature, short_reference) "
        "ON CONFLICT DO NOTHING RETURNING id",
        Params{postgres::text_array(c_ids), kiosk, std::to_string(portal_now_ms()),
               postgres::text_array(c_sequences), postgres::text_array(c_records),
               postgres::text_array(c_digests), postgres::text_array(c_signatures),
               postgres::text_array(c_references)});
    if (!rows) return std::unexpected(rows.error());
    for (int r = 0; r < rows->rows(); ++r) inserted.insert(rows->text(r, 0));
  }

  std::vector<std::string> skipped;
  std::size_t stored = 0;
  for (std::size_t i : candidates) {
    if (inserted.erase(batch.items[i].id) > 0) {
      results[i].outcome = UploadOutcome::accepted;
      ++stored;
    } else {
      skipped.push_back(batch.items[i].id);
    }
  }
  if (!skipped.empty()) {
    auto now_stored = stored_digests(**db, skipped);
    if (!now_stored) return std::unexpected(now_stored.error());
    for (std::size_t i : candidates) {
      if (results[i].outcome == UploadOutcome::accepted) continue;
      if (auto found = now_stored->find(batch.items[i].id); found != now_stored->end()) {
        judge_stored(i, found->second);
      } else {
        // A sequence number names one transaction of a kiosk for good: another transaction
        // under the same number means the kiosk lost its journal and started again.
        reject(i, fmt::format(
                      "conflict: sequence {} of this kiosk was stored with another transaction",
                      sequences[i]));
      }
    }
  }

  if (pin_on_success && stored > 0) {
    // Another process may pin this kiosk's first key at the same moment: the first one wins
    // and the other's batch is refused whole (its transaction rolls back).
    auto pin = (*db)->query(
        "INSERT INTO kiosks(kiosk_id, device_key, first_seen_ms) VALUES ($1, $2, $3) "
        "ON CONFLICT (kiosk_id) DO NOTHING RETURNING kiosk_id",
        Params{kiosk, batch.device_key, std::to_string(portal_now_ms())});
    if (!pin) return std::unexpected(pin.error());
    if (pin->rows() == 0) {
      auto now_pinned =
          (*db)->query("SELECT device_key FROM kiosks WHERE kiosk_id = $1", Params{kiosk});
      if (!now_pinned) return std::unexpected(now_pinned.error());
      if (now_pinned->rows() == 0 || now_pinned->text(0, 0) != batch.device_key)
        return reject_all(batch, device_key_refusal);
    } else {
      m_log.info("kiosk {} seen for the first time; device key pinned by its first signed batch",
                 kiosk);
    }
  }
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  return results;
}

Expected<void> PostgresPortalStore::record_heartbeat(std::string_view client_kiosk_id,
                                                     const std::vector<std::string>& client_groups,
                                                     const portal_protocol::Heartbeat& heartbeat) {
  // The heartbeat as decoded and validated, encoded again: nothing the kiosk did not say in
  // the protocol's own fields is kept.
  std::string body = portal_protocol::encode_heartbeat(heartbeat);
  std::string kiosk(client_kiosk_id);
  std::string received = std::to_string(portal_now_ms());
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto tx = postgres::Transaction::begin(**db);
  if (!tx) return std::unexpected(tx.error());
  auto upsert = (*db)->query(
      "INSERT INTO heartbeats(kiosk_id, received_ms, queue_depth, audit_head_seq, "
      "audit_head_hash, body, groups) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kiosk_id) "
      "DO UPDATE SET received_ms = excluded.received_ms, queue_depth = excluded.queue_depth, "
      "audit_head_seq = excluded.audit_head_seq, audit_head_hash = excluded.audit_head_hash, "
      "body = excluded.body, groups = excluded.groups, "
      "queue_rises = CASE WHEN excluded.queue_depth > heartbeats.queue_depth THEN "
      "heartbeats.queue_rises + 1 WHEN excluded.queue_depth < heartbeats.queue_depth THEN 0 "
      "ELSE heartbeats.queue_rises END",
      Params{kiosk, received, std::to_string(heartbeat.queue_depth),
             std::to_string(heartbeat.audit_head_seq), heartbeat.audit_head_hash, body,
             join_groups(client_groups)});
  if (!upsert) return std::unexpected(upsert.error());
  auto add =
      (*db)->query("INSERT INTO heartbeat_history(kiosk_id, received_ms, body) VALUES ($1, $2, $3)",
                   Params{kiosk, received, body});
  if (!add) return std::unexpected(add.error());
  auto trim = (*db)->query(
      "DELETE FROM heartbeat_history WHERE kiosk_id = $1 AND id <= (SELECT id FROM "
      "heartbeat_history WHERE kiosk_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)",
      Params{kiosk, std::to_string(k_heartbeat_history)});
  if (!trim) return std::unexpected(trim.error());
  return tx->commit();
}

Expected<std::int64_t> PostgresPortalStore::transaction_count() {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto count = (*db)->query("SELECT count(*) FROM transactions");
  if (!count) return std::unexpected(count.error());
  return count->integer(0, 0);
}

Expected<std::vector<KioskSnapshot>> PostgresPortalStore::kiosks() {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto rows = (*db)->query(
      // A kiosk that stored a transaction has a kiosks row (its key was pinned then), so the
      // transactions, millions of rows in a fleet, are never scanned for the list.
      "WITH known(kiosk_id) AS (SELECT kiosk_id FROM kiosks UNION SELECT kiosk_id FROM "
      "heartbeats) "
      "SELECT known.kiosk_id, h.received_ms, h.body, coalesce(h.groups, k.groups), h.queue_rises "
      "FROM known "
      "LEFT JOIN heartbeats h ON h.kiosk_id = known.kiosk_id "
      "LEFT JOIN kiosks k ON k.kiosk_id = known.kiosk_id ORDER BY known.kiosk_id COLLATE \"C\"");
  if (!rows) return std::unexpected(rows.error());
  std::vector<KioskSnapshot> kiosks;
  kiosks.reserve(static_cast<std::size_t>(rows->rows()));
  for (int r = 0; r < rows->rows(); ++r) {
    KioskSnapshot kiosk{rows->text(r, 0), std::nullopt, {}, {}};
    if (rows->at(r, 1)) {
      kiosk.heartbeat_ms = rows->integer(r, 1);
      kiosk.heartbeat = rows->text(r, 2);
    }
    if (rows->at(r, 3)) kiosk.groups = split_groups(rows->text(r, 3));
    if (rows->at(r, 4)) kiosk.queue_rises = rows->integer(r, 4);
    kiosks.push_back(std::move(kiosk));
  }
  return kiosks;
}

Expected<std::vector<KioskSnapshot>> PostgresPortalStore::heartbeat_history(
    std::string_view kiosk_id, int limit) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto rows = (*db)->query(
      "SELECT received_ms, body FROM heartbeat_history WHERE kiosk_id = $1 ORDER BY id DESC "
      "LIMIT $2",
      Params{std::string(kiosk_id), std::to_string(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<KioskSnapshot> history;
  for (int r = 0; r < rows->rows(); ++r)
    history.push_back(
        KioskSnapshot{std::string(kiosk_id), rows->integer(r, 0), rows->text(r, 1), {}});
  return history;
}

Expected<std::string> PostgresPortalStore::issue_enrolment_token(
    std::string_view kiosk_id, std::chrono::seconds lifetime,
    const std::vector<std::string>& groups) {
  if (auto ok = check_kiosk_id(kiosk_id); !ok) return std::unexpected(ok.error());
  if (auto ok = check_group_names(groups); !ok) return std::unexpected(ok.error());
  Bytes secret(16);
  if (auto ok = random_bytes(secret); !ok) return std::unexpected(ok.error());
  std::string token = to_hex(secret);
  std::int64_t now = portal_now_ms();
  std::int64_t expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime).count();
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto insert = (*db)->query(
      "INSERT INTO enrolment_tokens(token_sha256, kiosk_id, expires_ms, groups, issued_ms) "
      "VALUES ($1, $2, $3, $4, $5)",
      Params{to_hex(sha256(token)), std::string(kiosk_id), std::to_string(expires),
             join_groups(groups), std::to_string(now)});
  if (!insert) return std::unexpected(insert.error());
  return token;
}

Expected<std::string> PostgresPortalStore::enrol(std::string_view token, std::string_view kiosk_id,
                                                 std::string_view device_key,
                                                 const CertificateIssuer& issue_certificate) {
  if (auto ok = check_kiosk_id(kiosk_id); !ok) return std::unexpected(ok.error());
  std::string token_hash = to_hex(sha256(token));
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto tx = postgres::Transaction::begin(**db);
  if (!tx) return std::unexpected(tx.error());
  // FOR UPDATE: two processes redeeming one token at once are served one after the other, and
  // the second sees it used.
  auto row = (*db)->query(
      "SELECT kiosk_id, expires_ms, used_ms IS NOT NULL, revoked_ms IS NOT NULL, groups "
      "FROM enrolment_tokens WHERE token_sha256 = $1 FOR UPDATE",
      Params{token_hash});
  if (!row) return std::unexpected(row.error());
  StoredToken stored;
  std::vector<std::string> groups;
  if (row->rows() > 0) {
    stored = StoredToken{row->text(0, 0), row->text(0, 2) == "t", row->text(0, 3) == "t",
                         row->integer(0, 1)};
    groups = split_groups(row->text(0, 4));
  }
  std::int64_t now = portal_now_ms();
  if (std::string why = enrolment_refusal(kiosk_id, stored, now); !why.empty())
    return fail(Errc::integrity, std::move(why));

  auto chain = issue_certificate(groups);
  if (!chain) return std::unexpected(chain.error());
  if (auto ok = (*db)->query("UPDATE enrolment_tokens SET used_ms = $1 WHERE token_sha256 = $2",
                             Params{std::to_string(now), token_hash});
      !ok)
    return std::unexpected(ok.error());
  if (auto ok = (*db)->query("INSERT INTO kiosks(kiosk_id, device_key, first_seen_ms, groups) "
                             "VALUES ($1, $2, $3, $4) ON CONFLICT (kiosk_id) DO UPDATE SET "
                             "device_key = excluded.device_key, groups = excluded.groups",
                             Params{std::string(kiosk_id), std::string(device_key),
                                    std::to_string(now), join_groups(groups)});
      !ok)
    return std::unexpected(ok.error());
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  m_log.info("kiosk {} enrolled in groups [{}]; device key pinned", kiosk_id, join_groups(groups));
  return chain;
}

constexpr std::string_view k_token_columns =
    "substr(token_sha256, 1, 12), kiosk_id, groups, coalesce(issued_ms, 0), expires_ms, used_ms, "
    "revoked_ms";

EnrolmentTokenInfo token_info(const postgres::Result& rows, int r) {
  EnrolmentTokenInfo info{rows.text(r, 0),    rows.text(r, 1),    split_groups(rows.text(r, 2)),
                          rows.integer(r, 3), rows.integer(r, 4), std::nullopt,
                          std::nullopt};
  if (rows.at(r, 5)) info.used_ms = rows.integer(r, 5);
  if (rows.at(r, 6)) info.revoked_ms = rows.integer(r, 6);
  return info;
}

Expected<std::vector<EnrolmentTokenInfo>> PostgresPortalStore::enrolment_tokens(int limit) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto rows = (*db)->query(fmt::format("SELECT {} FROM enrolment_tokens ORDER BY "
                                       "coalesce(issued_ms, 0) DESC, token_sha256 LIMIT $1",
                                       k_token_columns),
                           Params{std::to_string(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<EnrolmentTokenInfo> tokens;
  for (int r = 0; r < rows->rows(); ++r) tokens.push_back(token_info(*rows, r));
  return tokens;
}

Expected<EnrolmentTokenInfo> PostgresPortalStore::revoke_enrolment_token(
    std::string_view token_id) {
  if (!is_token_id(token_id)) return fail(Errc::not_found, "no enrolment token has that id");
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto tx = postgres::Transaction::begin(**db);
  if (!tx) return std::unexpected(tx.error());
  // FOR UPDATE: a revocation and an enrolment of the same token are served one after the other.
  auto rows = (*db)->query(fmt::format("SELECT {} FROM enrolment_tokens WHERE "
                                       "substr(token_sha256, 1, 12) = $1 FOR UPDATE",
                                       k_token_columns),
                           Params{std::string(token_id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows() == 0) return fail(Errc::not_found, "no enrolment token has that id");
  // Twelve hex digits of a SHA-256 repeat by chance once in about 2^24 tokens: never pick one.
  if (rows->rows() > 1) return fail(Errc::integrity, "more than one enrolment token has that id");
  EnrolmentTokenInfo info = token_info(*rows, 0);
  if (info.used_ms) return fail(Errc::integrity, "the enrolment token was already used");
  if (info.revoked_ms) return info;
  info.revoked_ms = portal_now_ms();
  if (auto ok = (*db)->query(
          "UPDATE enrolment_tokens SET revoked_ms = $1 WHERE substr(token_sha256, 1, 12) = $2",
          Params{std::to_string(*info.revoked_ms), std::string(token_id)});
      !ok)
    return std::unexpected(ok.error());
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  m_log.info("enrolment token {} for kiosk {} revoked", token_id, info.kiosk_id);
  return info;
}

Expected<void> PostgresPortalStore::keep_refusals(std::string_view client_kiosk_id,
                                                  const std::vector<UploadResult>& results) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto tx = postgres::Transaction::begin(**db);
  if (!tx) return std::unexpected(tx.error());
  // One statement per item: the same id twice in a batch counts twice, which one upsert of
  // both rows could not do.
  std::string kiosk(client_kiosk_id);
  std::string now = std::to_string(portal_now_ms());
  for (const auto& result : results) {
    if (result.outcome != UploadOutcome::rejected) continue;
    auto upsert = (*db)->query(
        "INSERT INTO item_refusals(kiosk_id, transaction_id, reason, first_seen_ms, "
        "last_seen_ms, times_seen) VALUES ($1, $2, $3, $4, $4, 1) "
        "ON CONFLICT (kiosk_id, transaction_id) DO UPDATE SET reason = excluded.reason, "
        "last_seen_ms = excluded.last_seen_ms, times_seen = item_refusals.times_seen + 1",
        Params{kiosk, result.id, result.reason, now});
    if (!upsert) return std::unexpected(upsert.error());
  }
  return tx->commit();
}

Expected<std::vector<StoredTransaction>> PostgresPortalStore::find_transactions(
    std::string_view id_prefix, int limit) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  // LIKE with the prefix's wildcards escaped, so a prefix is only ever a prefix; the
  // text_pattern_ops index serves it.
  std::string pattern;
  for (char c : id_prefix) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  auto rows = (*db)->query(
      std::string(k_select_transactions) + "WHERE id LIKE $1 ORDER BY id COLLATE \"C\" LIMIT $2",
      Params{pattern, std::to_string(limit)});
  if (!rows) return std::unexpected(rows.error());
  return read_transactions(*rows);
}

Expected<std::vector<StoredTransaction>> PostgresPortalStore::find_transactions_by_short_reference(
    std::string_view compact, int limit) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto rows = (*db)->query(std::string(k_select_transactions) +
                               "WHERE short_reference = $1 ORDER BY id COLLATE \"C\" LIMIT $2",
                           Params{std::string(compact), std::to_string(limit)});
  if (!rows) return std::unexpected(rows.error());
  return read_transactions(*rows);
}

Expected<std::optional<StoredTransaction>> PostgresPortalStore::find_transaction_by_sequence(
    std::string_view kiosk_id, std::int64_t sequence) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto rows =
      (*db)->query(std::string(k_select_transactions) + "WHERE kiosk_id = $1 AND sequence = $2",
                   Params{std::string(kiosk_id), std::to_string(sequence)});
  if (!rows) return std::unexpected(rows.error());
  auto found = read_transactions(*rows);  // (kiosk_id, sequence) is unique: none or one
  if (found.empty()) return std::optional<StoredTransaction>();
  return std::optional<StoredTransaction>(std::move(found.front()));
}

Expected<std::optional<std::string>> PostgresPortalStore::device_key(std::string_view kiosk_id) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto row = (*db)->query("SELECT device_key FROM kiosks WHERE kiosk_id = $1",
                          Params{std::string(kiosk_id)});
  if (!row) return std::unexpected(row.error());
  if (row->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(row->text(0, 0));
}

Expected<std::vector<ItemRefusal>> PostgresPortalStore::refusals(std::string_view kiosk_id,
                                                                 int limit) {
  auto db = m_pool.acquire();
  if (!db) return std::unexpected(db.error());
  auto rows = (*db)->query(
      "SELECT kiosk_id, transaction_id, reason, first_seen_ms, last_seen_ms, times_seen "
      "FROM item_refusals WHERE $1 = '' OR kiosk_id = $1 "
      "ORDER BY last_seen_ms DESC, kiosk_id COLLATE \"C\", transaction_id COLLATE \"C\" LIMIT $2",
      Params{std::string(kiosk_id), std::to_string(limit)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<ItemRefusal> refusals;
  for (int r = 0; r < rows->rows(); ++r) {
    refusals.push_back(ItemRefusal{rows->text(r, 0), rows->text(r, 1), rows->text(r, 2),
                                   rows->integer(r, 3), rows->integer(r, 4), rows->integer(r, 5)});
  }
  return refusals;
}

}  // namespace

Expected<std::unique_ptr<PortalStore>> open_postgres_portal_store(std::string_view uri, Log log,
                                                                  int connections) {
  auto first = postgres::Connection::connect(uri);
  if (!first) return std::unexpected(first.error());
  if (auto ok = migrate(*first, log); !ok) return std::unexpected(ok.error());
  return std::make_unique<PostgresPortalStore>(std::string(uri), connections, std::move(log));
}

}  // namespace shubbak::portal
