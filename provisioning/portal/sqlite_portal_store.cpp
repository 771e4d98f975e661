#include "provisioning/portal/sqlite_portal_store.hpp"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/core/kiosk_group.hpp"
#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/core/short_reference.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/store/uuid7.hpp"
#include "provisioning/portal/store_rules.hpp"

namespace shubbak::portal {

namespace {

constexpr std::string_view k_schema = R"sql(
CREATE TABLE IF NOT EXISTS transactions (
  id TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  record TEXT NOT NULL,
  record_sha256 TEXT NOT NULL,
  signature TEXT NOT NULL,
  received_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS transactions_by_kiosk ON transactions(kiosk_id, sequence);
CREATE TABLE IF NOT EXISTS kiosks (
  kiosk_id TEXT PRIMARY KEY,
  device_key TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS heartbeats (
  kiosk_id TEXT PRIMARY KEY,
  received_ms INTEGER NOT NULL,
  queue_depth INTEGER NOT NULL,
  audit_head_seq INTEGER NOT NULL,
  audit_head_hash TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS heartbeat_history (
  kiosk_id TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS heartbeat_history_by_kiosk ON heartbeat_history(kiosk_id, received_ms);
CREATE TABLE IF NOT EXISTS enrolment_tokens (
  token_sha256 TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS item_refusals (
  kiosk_id TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  times_seen INTEGER NOT NULL,
  PRIMARY KEY (kiosk_id, transaction_id)
) STRICT;
CREATE INDEX IF NOT EXISTS item_refusals_by_time ON item_refusals(last_seen_ms);
)sql";

// The columns every transaction lookup reads, in StoredTransaction's order.
constexpr std::string_view k_select_transactions =
    "SELECT id, kiosk_id, sequence, record, received_ms FROM transactions ";

// Runs a lookup selecting k_select_transactions' columns and reads every row it returns.
Expected<std::vector<StoredTransaction>> read_transactions(sqlite::Statement& select) {
  std::vector<StoredTransaction> found;
  for (;;) {
    auto row = select.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return found;
    found.push_back(StoredTransaction{select.column_text(0), select.column_text(1),
                                      select.column_int(2), select.column_text(3),
                                      select.column_int(4)});
  }
}

// Changes to k_schema's tables, applied in order, each once; PRAGMA user_version counts those a
// file has. Never edit one that has shipped: add the next.
constexpr std::string_view k_upgrades[] = {
    R"sql(
ALTER TABLE enrolment_tokens ADD COLUMN groups TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolment_tokens ADD COLUMN issued_ms INTEGER;
ALTER TABLE enrolment_tokens ADD COLUMN revoked_ms INTEGER;
ALTER TABLE kiosks ADD COLUMN groups TEXT NOT NULL DEFAULT '';
ALTER TABLE heartbeats ADD COLUMN groups TEXT;
ALTER TABLE heartbeats ADD COLUMN queue_rises INTEGER NOT NULL DEFAULT 0;
)sql",
    // The short human reference of each transaction (kiosk/core/short_reference.hpp), kept to be
    // searched; rows stored before it are filled in by fill_short_references().
    R"sql(
ALTER TABLE transactions ADD COLUMN short_reference TEXT;
CREATE INDEX transactions_by_short_reference ON transactions(short_reference);
)sql",
};

// Gives every transaction stored without its short reference the one its id derives.
Expected<void> fill_short_references(sqlite::Database& db) {
  auto select = db.prepare("SELECT id FROM transactions WHERE short_reference IS NULL");
  if (!select) return std::unexpected(select.error());
  std::vector<std::string> ids;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    ids.push_back(select->column_text(0));
  }
  auto update = db.prepare("UPDATE transactions SET short_reference = ? WHERE id = ?");
  if (!update) return std::unexpected(update.error());
  for (const auto& id : ids) {
    update->reset();
    update->bind(1, *parse_short_reference(short_reference(id))).bind(2, id);
    if (auto ok = update->run(); !ok) return std::unexpected(ok.error());
  }
  return {};
}

Expected<void> upgrade(sqlite::Database& db, Log& log) {
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  constexpr auto known = static_cast<std::int64_t>(std::size(k_upgrades));
  if (*version > known)
    return fail(Errc::unsupported,
                fmt::format("the portal database has schema upgrade {}, newer than this portal "
                            "knows ({}): run a newer portal",
                            *version, known));
  for (std::int64_t next = *version + 1; next <= known; ++next) {
    if (auto ok = db.exec(k_upgrades[next - 1]); !ok) return std::unexpected(ok.error());
    if (auto ok = db.exec(fmt::format("PRAGMA user_version = {}", next)); !ok)
      return std::unexpected(ok.error());
    log.info("portal database upgraded to schema {}", next);
  }
  if (auto ok = fill_short_references(db); !ok) return std::unexpected(ok.error());
  return tx->commit();
}

class SqlitePortalStore final : public PortalStore {
 public:
  SqlitePortalStore(sqlite::Database db, Log log)
      : PortalStore(std::move(log)), m_db(std::move(db)) {}

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
  // The kiosk's pinned device key (base64), or empty when none is pinned yet.
  Expected<std::string> pinned_key(std::string_view kiosk_id);
  Expected<void> pin_first_key(std::string_view kiosk_id, const std::string& key);

  sqlite::Database m_db;
  std::mutex m_mutex;
};

Expected<std::string> SqlitePortalStore::pinned_key(std::string_view kiosk_id) {
  auto select = m_db.prepare("SELECT device_key FROM kiosks WHERE kiosk_id = ?");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, kiosk_id).step();
  if (!row) return std::unexpected(row.error());
  return *row ? select->column_text(0) : std::string();
}

Expected<void> SqlitePortalStore::pin_first_key(std::string_view kiosk_id, const std::string& key) {
  auto insert =
      m_db.prepare("INSERT INTO kiosks(kiosk_id, device_key, first_seen_ms) VALUES (?,?,?)");
  if (!insert) return std::unexpected(insert.error());
  if (auto ok = insert->bind(1, kiosk_id).bind(2, key).bind(3, portal_now_ms()).run(); !ok)
    return std::unexpected(ok.error());
  m_log.info("kiosk {} seen for the first time; device key pinned by its first signed batch",
             kiosk_id);
  return {};
}

Expected<std::vector<UploadResult>> SqlitePortalStore::store_batch(
    std::string_view client_kiosk_id, const portal_protocol::Batch& batch) {
  Bytes offered_key;
  if (std::string why = batch_refusal(client_kiosk_id, batch, offered_key); !why.empty())
    return reject_all(batch, why);

  std::lock_guard lock(m_mutex);
  auto tx = sqlite::Transaction::begin(m_db);
  if (!tx) return std::unexpected(tx.error());
  auto pinned = pinned_key(client_kiosk_id);
  if (!pinned) return std::unexpected(pinned.error());
  if (!pinned->empty() && *pinned != batch.device_key)
    return reject_all(batch, "device key differs from the key this kiosk enrolled with");
  // A kiosk never enrolled here (its certificate made by hand) has no pinned key: the offered
  // key is pinned only when this batch stores at least one record it signed, all in this
  // SQLite transaction. An empty, unsigned or refused batch pins nothing.
  bool pin_on_success = pinned->empty();

  auto existing = m_db.prepare("SELECT record_sha256 FROM transactions WHERE id = ?");
  auto same_sequence =
      m_db.prepare("SELECT id FROM transactions WHERE kiosk_id = ? AND sequence = ?");
  auto insert = m_db.prepare(
      "INSERT INTO transactions(id, kiosk_id, sequence, record, record_sha256, signature, "
      "received_ms, short_reference) VALUES (?,?,?,?,?,?,?,?)");
  if (!existing) return std::unexpected(existing.error());
  if (!same_sequence) return std::unexpected(same_sequence.error());
  if (!insert) return std::unexpected(insert.error());
  std::vector<UploadResult> results;
  results.reserve(batch.items.size());
  std::int64_t received = portal_now_ms();
  std::size_t stored = 0;
  for (const auto& item : batch.items) {
    auto reject = [&](std::string why) {
      results.push_back(UploadResult{item.id, UploadOutcome::rejected, std::move(why)});
    };
    if (!is_uuid7(item.id)) {
      reject("id is not a UUIDv7");
      continue;
    }
    std::string digest = to_hex(sha256(item.record));
    existing->reset();
    auto row = existing->bind(1, item.id).step();
    if (!row) return std::unexpected(row.error());
    if (*row) {
      if (existing->column_text(0) == digest) {
        results.push_back(UploadResult{item.id, UploadOutcome::duplicate, {}});
      } else {
        reject("conflict: this id was stored with another record");
      }
      continue;
    }
    auto record = parse_record(item.record);
    if (!record) {
      reject("malformed record: " + record.error().message);
      continue;
    }
    if (std::string why = item_refusal(client_kiosk_id, offered_key, item, *record); !why.empty()) {
      reject(std::move(why));
      continue;
    }
    // A sequence number names one transaction of a kiosk for good: another transaction under
    // the same number means the kiosk lost its journal and started again.
    same_sequence->reset();
    auto taken = same_sequence->bind(1, client_kiosk_id).bind(2, record->sequence).step();
    if (!taken) return std::unexpected(taken.error());
    if (*taken) {
      reject(fmt::format("conflict: sequence {} of this kiosk was stored with another transaction",
                         record->sequence));
      continue;
    }
    insert->reset();
    insert->bind(1, item.id)
        .bind(2, client_kiosk_id)
        .bind(3, record->sequence)
        .bind(4, item.record);
    insert->bind(5, digest).bind(6, item.signature).bind(7, received);
    insert->bind(8, *parse_short_reference(short_reference(item.id)));
    if (auto ok = insert->run(); !ok) return std::unexpected(ok.error());
    results.push_back(UploadResult{item.id, UploadOutcome::accepted, {}});
    ++stored;
  }
  if (pin_on_success && stored > 0) {
    if (auto ok = pin_first_key(client_kiosk_id, batch.device_key); !ok)
      return std::unexpected(ok.error());
  }
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  return results;
}

Expected<void> SqlitePortalStore::record_heartbeat(std::string_view client_kiosk_id,
                                                   const std::vector<std::string>& client_groups,
                                                   const portal_protocol::Heartbeat& heartbeat) {
  // The heartbeat as decoded and validated, encoded again: nothing the kiosk did not say in
  // the protocol's own fields is kept.
  std::string body = portal_protocol::encode_heartbeat(heartbeat);
  std::int64_t received = portal_now_ms();
  std::lock_guard lock(m_mutex);
  auto tx = sqlite::Transaction::begin(m_db);
  if (!tx) return std::unexpected(tx.error());
  auto upsert = m_db.prepare(
      "INSERT INTO heartbeats(kiosk_id, received_ms, queue_depth, audit_head_seq, audit_head_hash, "
      "body, groups) VALUES (?,?,?,?,?,?,?) ON CONFLICT(kiosk_id) DO UPDATE SET "
      "received_ms = excluded.received_ms, queue_depth = excluded.queue_depth, "
      "audit_head_seq = excluded.audit_head_seq, audit_head_hash = excluded.audit_head_hash, "
      "body = excluded.body, groups = excluded.groups, "
      "queue_rises = CASE WHEN excluded.queue_depth > heartbeats.queue_depth THEN "
      "heartbeats.queue_rises + 1 WHEN excluded.queue_depth < heartbeats.queue_depth THEN 0 "
      "ELSE heartbeats.queue_rises END");
  if (!upsert) return std::unexpected(upsert.error());
  upsert->bind(1, client_kiosk_id).bind(2, received).bind(3, heartbeat.queue_depth);
  upsert->bind(4, heartbeat.audit_head_seq).bind(5, heartbeat.audit_head_hash).bind(6, body);
  upsert->bind(7, join_groups(client_groups));
  if (auto ok = upsert->run(); !ok) return std::unexpected(ok.error());
  auto add =
      m_db.prepare("INSERT INTO heartbeat_history(kiosk_id, received_ms, body) VALUES (?,?,?)");
  if (!add) return std::unexpected(add.error());
  if (auto ok = add->bind(1, client_kiosk_id).bind(2, received).bind(3, body).run(); !ok)
    return std::unexpected(ok.error());
  auto trim = m_db.prepare(
      "DELETE FROM heartbeat_history WHERE kiosk_id = ?1 AND rowid NOT IN (SELECT rowid FROM "
      "heartbeat_history WHERE kiosk_id = ?1 ORDER BY received_ms DESC, rowid DESC LIMIT ?2)");
  if (!trim) return std::unexpected(trim.error());
  if (auto ok = trim->bind(1, client_kiosk_id).bind(2, k_heartbeat_history).run(); !ok)
    return std::unexpected(ok.error());
  return tx->commit();
}

Expected<std::int64_t> SqlitePortalStore::transaction_count() {
  std::lock_guard lock(m_mutex);
  return m_db.query_int("SELECT count(*) FROM transactions");
}

Expected<std::vector<KioskSnapshot>> SqlitePortalStore::kiosks() {
  std::lock_guard lock(m_mutex);
  auto select = m_db.prepare(
      // A kiosk that stored a transaction has a kiosks row (its key was pinned then), so the
      // transactions, millions of rows in a fleet, are never scanned for the list.
      "WITH known(kiosk_id) AS (SELECT kiosk_id FROM kiosks UNION SELECT kiosk_id FROM "
      "heartbeats) "
      "SELECT known.kiosk_id, h.received_ms, h.body, coalesce(h.groups, k.groups), h.queue_rises "
      "FROM known "
      "LEFT JOIN heartbeats h ON h.kiosk_id = known.kiosk_id "
      "LEFT JOIN kiosks k ON k.kiosk_id = known.kiosk_id ORDER BY known.kiosk_id");
  if (!select) return std::unexpected(select.error());
  std::vector<KioskSnapshot> kiosks;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    KioskSnapshot kiosk{select->column_text(0), std::nullopt, {}, {}};
    if (!select->column_is_null(1)) {
      kiosk.heartbeat_ms = select->column_int(1);
      kiosk.heartbeat = select->column_text(2);
    }
    if (!select->column_is_null(3)) kiosk.groups = split_groups(select->column_text(3));
    if (!select->column_is_null(4)) kiosk.queue_rises = select->column_int(4);
    kiosks.push_back(std::move(kiosk));
  }
  return kiosks;
}

Expected<std::vector<KioskSnapshot>> SqlitePortalStore::heartbeat_history(std::string_view kiosk_id,
                                                                          int limit) {
  std::lock_guard lock(m_mutex);
  auto select = m_db.prepare(
      "SELECT received_ms, body FROM heartbeat_history WHERE kiosk_id = ? "
      "ORDER BY received_ms DESC, rowid DESC LIMIT ?");
  if (!select) return std::unexpected(select.error());
  select->bind(1, kiosk_id).bind(2, std::int64_t{limit});
  std::vector<KioskSnapshot> history;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    history.push_back(
        KioskSnapshot{std::string(kiosk_id), select->column_int(0), select->column_text(1), {}});
  }
  return history;
}

Expected<std::string> SqlitePortalStore::issue_enrolment_token(
    std::string_view kiosk_id, std::chrono::seconds lifetime,
    const std::vector<std::string>& groups) {
  if (auto ok = check_kiosk_id(kiosk_id); !ok) return std::unexpected(ok.error());
  if (auto ok = check_group_names(groups); !ok) return std::unexpected(ok.error());
  Bytes secret(16);
  if (auto ok = random_bytes(secret); !ok) return std::unexpected(ok.error());
  std::string token = to_hex(secret);
  std::lock_guard lock(m_mutex);
  auto insert = m_db.prepare(
      "INSERT INTO enrolment_tokens(token_sha256, kiosk_id, expires_ms, groups, issued_ms) "
      "VALUES (?,?,?,?,?)");
  if (!insert) return std::unexpected(insert.error());
  std::int64_t now = portal_now_ms();
  std::int64_t expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime).count();
  insert->bind(1, to_hex(sha256(token))).bind(2, kiosk_id).bind(3, expires);
  insert->bind(4, join_groups(groups)).bind(5, now);
  if (auto ok = insert->run(); !ok) return std::unexpected(ok.error());
  return token;
}

Expected<std::string> SqlitePortalStore::enrol(std::string_view token, std::string_view kiosk_id,
                                               std::string_view device_key,
                                               const CertificateIssuer& issue_certificate) {
  if (auto ok = check_kiosk_id(kiosk_id); !ok) return std::unexpected(ok.error());
  std::string token_hash = to_hex(sha256(token));
  std::lock_guard lock(m_mutex);
  auto tx = sqlite::Transaction::begin(m_db);
  if (!tx) return std::unexpected(tx.error());
  auto select = m_db.prepare(
      "SELECT kiosk_id, expires_ms, used_ms IS NOT NULL, revoked_ms IS NOT NULL, groups "
      "FROM enrolment_tokens WHERE token_sha256 = ?");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, token_hash).step();
  if (!row) return std::unexpected(row.error());
  StoredToken stored;
  std::vector<std::string> groups;
  if (*row) {
    stored = StoredToken{select->column_text(0), select->column_int(2) != 0,
                         select->column_int(3) != 0, select->column_int(1)};
    groups = split_groups(select->column_text(4));
  }
  select->reset();
  std::int64_t now = portal_now_ms();
  if (std::string why = enrolment_refusal(kiosk_id, stored, now); !why.empty())
    return fail(Errc::integrity, std::move(why));

  auto chain = issue_certificate(groups);
  if (!chain) return std::unexpected(chain.error());
  auto spend = m_db.prepare("UPDATE enrolment_tokens SET used_ms = ? WHERE token_sha256 = ?");
  if (!spend) return std::unexpected(spend.error());
  if (auto ok = spend->bind(1, now).bind(2, token_hash).run(); !ok)
    return std::unexpected(ok.error());
  auto pin = m_db.prepare(
      "INSERT INTO kiosks(kiosk_id, device_key, first_seen_ms, groups) VALUES (?,?,?,?) "
      "ON CONFLICT(kiosk_id) DO UPDATE SET device_key = excluded.device_key, "
      "groups = excluded.groups");
  if (!pin) return std::unexpected(pin.error());
  pin->bind(1, kiosk_id).bind(2, device_key).bind(3, now).bind(4, join_groups(groups));
  if (auto ok = pin->run(); !ok) return std::unexpected(ok.error());
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  m_log.info("kiosk {} enrolled in groups [{}]; device key pinned", kiosk_id, join_groups(groups));
  return chain;
}

constexpr std::string_view k_token_columns =
    "substr(token_sha256, 1, 12), kiosk_id, groups, coalesce(issued_ms, 0), expires_ms, used_ms, "
    "revoked_ms";

EnrolmentTokenInfo token_info(sqlite::Statement& row) {
  EnrolmentTokenInfo info{row.column_text(0), row.column_text(1), split_groups(row.column_text(2)),
                          row.column_int(3),  row.column_int(4),  std::nullopt,
                          std::nullopt};
  if (!row.column_is_null(5)) info.used_ms = row.column_int(5);
  if (!row.column_is_null(6)) info.revoked_ms = row.column_int(6);
  return info;
}

Expected<std::vector<EnrolmentTokenInfo>> SqlitePortalStore::enrolment_tokens(int limit) {
  std::lock_guard lock(m_mutex);
  auto select = m_db.prepare(fmt::format(
      "SELECT {} FROM enrolment_tokens ORDER BY coalesce(issued_ms, 0) DESC, rowid DESC LIMIT ?",
      k_token_columns));
  if (!select) return std::unexpected(select.error());
  select->bind(1, std::int64_t{limit});
  std::vector<EnrolmentTokenInfo> tokens;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    tokens.push_back(token_info(*select));
  }
  return tokens;
}

Expected<EnrolmentTokenInfo> SqlitePortalStore::revoke_enrolment_token(std::string_view token_id) {
  if (!is_token_id(token_id)) return fail(Errc::not_found, "no enrolment token has that id");
  std::lock_guard lock(m_mutex);
  auto tx = sqlite::Transaction::begin(m_db);
  if (!tx) return std::unexpected(tx.error());
  auto select = m_db.prepare(fmt::format(
      "SELECT {} FROM enrolment_tokens WHERE substr(token_sha256, 1, 12) = ?", k_token_columns));
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, token_id).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no enrolment token has that id");
  EnrolmentTokenInfo info = token_info(*select);
  // Twelve hex digits of a SHA-256 repeat by chance once in about 2^24 tokens: never pick one.
  auto second = select->step();
  if (!second) return std::unexpected(second.error());
  if (*second) return fail(Errc::integrity, "more than one enrolment token has that id");
  select->reset();
  if (info.used_ms) return fail(Errc::integrity, "the enrolment token was already used");
  if (info.revoked_ms) return info;
  auto revoke = m_db.prepare(
      "UPDATE enrolment_tokens SET revoked_ms = ? WHERE substr(token_sha256, 1, 12) = ?");
  if (!revoke) return std::unexpected(revoke.error());
  info.revoked_ms = portal_now_ms();
  if (auto ok = revoke->bind(1, *info.revoked_ms).bind(2, token_id).run(); !ok)
    return std::unexpected(ok.error());
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  m_log.info("enrolment token {} for kiosk {} revoked", token_id, info.kiosk_id);
  return info;
}

// The first id after every id that starts with `prefix` (its last character one higher), so
// that a prefix is a range of the primary key's index.
std::string after_prefix(std::string_view prefix) {
  std::string end(prefix);
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  return end;
}

Expected<void> SqlitePortalStore::keep_refusals(std::string_view client_kiosk_id,
                                                const std::vector<UploadResult>& results) {
  std::lock_guard lock(m_mutex);
  auto tx = sqlite::Transaction::begin(m_db);
  if (!tx) return std::unexpected(tx.error());
  auto upsert = m_db.prepare(
      "INSERT INTO item_refusals(kiosk_id, transaction_id, reason, first_seen_ms, last_seen_ms, "
      "times_seen) VALUES (?1, ?2, ?3, ?4, ?4, 1) ON CONFLICT(kiosk_id, transaction_id) DO UPDATE "
      "SET reason = excluded.reason, last_seen_ms = excluded.last_seen_ms, "
      "times_seen = times_seen + 1");
  if (!upsert) return std::unexpected(upsert.error());
  std::int64_t now = portal_now_ms();
  for (const auto& result : results) {
    if (result.outcome != UploadOutcome::rejected) continue;
    upsert->reset();
    upsert->bind(1, client_kiosk_id).bind(2, result.id).bind(3, result.reason).bind(4, now);
    if (auto ok = upsert->run(); !ok) return std::unexpected(ok.error());
  }
  return tx->commit();
}

Expected<std::vector<StoredTransaction>> SqlitePortalStore::find_transactions(
    std::string_view id_prefix, int limit) {
  std::lock_guard lock(m_mutex);
  auto select = m_db.prepare(std::string(k_select_transactions) +
                             "WHERE id >= ? AND id < ? ORDER BY id LIMIT ?");
  if (!select) return std::unexpected(select.error());
  select->bind(1, id_prefix).bind(2, after_prefix(id_prefix)).bind(3, std::int64_t{limit});
  return read_transactions(*select);
}

Expected<std::vector<StoredTransaction>> SqlitePortalStore::find_transactions_by_short_reference(
    std::string_view compact, int limit) {
  std::lock_guard lock(m_mutex);
  auto select = m_db.prepare(std::string(k_select_transactions) +
                             "WHERE short_reference = ? ORDER BY id LIMIT ?");
  if (!select) return std::unexpected(select.error());
  select->bind(1, compact).bind(2, std::int64_t{limit});
  return read_transactions(*select);
}

Expected<std::optional<StoredTransaction>> SqlitePortalStore::find_transaction_by_sequence(
    std::string_view kiosk_id, std::int64_t sequence) {
  std::lock_guard lock(m_mutex);
  auto select =
      m_db.prepare(std::string(k_select_transactions) + "WHERE kiosk_id = ? AND sequence = ?");
  if (!select) return std::unexpected(select.error());
  select->bind(1, kiosk_id).bind(2, sequence);
  auto found = read_transactions(*select);  // (kiosk_id, sequence) is unique: none or one
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::optional<StoredTransaction>();
  return std::optional<StoredTransaction>(std::move(found->front()));
}

Expected<std::optional<std::string>> SqlitePortalStore::device_key(std::string_view kiosk_id) {
  std::lock_guard lock(m_mutex);
  auto key = pinned_key(kiosk_id);
  if (!key) return std::unexpected(key.error());
  if (key->empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(*key));
}

Expected<std::vector<ItemRefusal>> SqlitePortalStore::refusals(std::string_view kiosk_id,
                                                               int limit) {
  std::lock_guard lock(m_mutex);
  // An empty kiosk id (every kiosk's) may be bound as NULL.
  auto select = m_db.prepare(
      "SELECT kiosk_id, transaction_id, reason, first_seen_ms, last_seen_ms, times_seen "
      "FROM item_refusals WHERE coalesce(?1, '') = '' OR kiosk_id = ?1 "
      "ORDER BY last_seen_ms DESC, kiosk_id, transaction_id LIMIT ?2");
  if (!select) return std::unexpected(select.error());
  select->bind(1, kiosk_id).bind(2, std::int64_t{limit});
  std::vector<ItemRefusal> refusals;
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    refusals.push_back(ItemRefusal{select->column_text(0), select->column_text(1),
                                   select->column_text(2), select->column_int(3),
                                   select->column_int(4), select->column_int(5)});
  }
  return refusals;
}

}  // namespace

Expected<std::unique_ptr<PortalStore>> open_sqlite_portal_store(const std::filesystem::path& path,
                                                                Log log) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return std::unexpected(db.error());
  auto mode = db->query_text("PRAGMA journal_mode=WAL");
  if (!mode) return std::unexpected(mode.error());
  if (auto ok = db->exec("PRAGMA synchronous=FULL"); !ok) return std::unexpected(ok.error());
  if (auto ok = db->exec(k_schema); !ok) return std::unexpected(ok.error());
  if (auto ok = upgrade(*db, log); !ok) return std::unexpected(ok.error());
  return std::make_unique<SqlitePortalStore>(std::move(*db), std::move(log));
}

}  // namespace shubbak::portal
