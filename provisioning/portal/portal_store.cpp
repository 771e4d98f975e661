#include "provisioning/portal/portal_store.hpp"

#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/core/money.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/sqlite.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/uuid7.hpp"

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
CREATE TABLE IF NOT EXISTS enrolment_tokens (
  token_sha256 TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  used_ms INTEGER
) STRICT;
)sql";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct PortalStore::Impl {
  Impl(sqlite::Database d, Log l) : db(std::move(d)), log(std::move(l)) {}

  sqlite::Database db;
  Log log;
  std::mutex mutex;

  // The kiosk's pinned device key (base64), or empty when none is pinned yet.
  Expected<std::string> pinned_key(std::string_view kiosk_id) {
    auto select = db.prepare("SELECT device_key FROM kiosks WHERE kiosk_id = ?");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, kiosk_id).step();
    if (!row) return std::unexpected(row.error());
    return *row ? select->column_text(0) : std::string();
  }

  Expected<void> pin_key(std::string_view kiosk_id, const std::string& key) {
    auto insert =
        db.prepare("INSERT INTO kiosks(kiosk_id, device_key, first_seen_ms) VALUES (?,?,?)");
    if (!insert) return std::unexpected(insert.error());
    if (auto ok = insert->bind(1, kiosk_id).bind(2, key).bind(3, now_ms()).run(); !ok)
      return std::unexpected(ok.error());
    log.info("kiosk {} seen for the first time; device key pinned by its first signed batch",
             kiosk_id);
    return {};
  }

  // Why `item` cannot be stored, or empty when it may.
  std::string check(std::string_view kiosk_id, const Bytes& device_key, const OutboxItem& item,
                    const TransactionRecord& record) {
    if (record.id != item.id) return "record id differs from the item id";
    if (auto valid = validate_record(record); !valid) return valid.error().message;
    if (record.kiosk_id != kiosk_id) return "record belongs to another kiosk";
    auto signature = base64_decode(item.signature);
    if (!signature || !verify_ed25519(device_key, as_bytes(item.record), *signature)) {
      return "device signature does not verify";
    }
    return {};
  }
};

PortalStore::PortalStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PortalStore::~PortalStore() = default;

Expected<std::unique_ptr<PortalStore>> PortalStore::open(const std::filesystem::path& path,
                                                         Log log) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return std::unexpected(db.error());
  auto mode = db->query_text("PRAGMA journal_mode=WAL");
  if (!mode) return std::unexpected(mode.error());
  if (auto ok = db->exec("PRAGMA synchronous=FULL"); !ok) return std::unexpected(ok.error());
  if (auto ok = db->exec(k_schema); !ok) return std::unexpected(ok.error());
  auto impl = std::make_unique<Impl>(std::move(*db), std::move(log));
  return std::unique_ptr<PortalStore>(new PortalStore(std::move(impl)));
}

Expected<std::vector<UploadResult>> PortalStore::ingest(std::string_view client_kiosk_id,
                                                        const portal_protocol::Batch& batch) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  std::vector<UploadResult> results;
  results.reserve(batch.items.size());
  auto reject_all = [&](const std::string& reason) {
    for (const auto& item : batch.items)
      results.push_back(UploadResult{item.id, UploadOutcome::rejected, reason});
    return results;
  };
  if (batch.kiosk_id != client_kiosk_id) {
    return reject_all(fmt::format("batch names kiosk \"{}\" but the client certificate is \"{}\"",
                                  portal_protocol::printable(batch.kiosk_id),
                                  portal_protocol::printable(client_kiosk_id)));
  }
  auto offered_key = base64_decode(batch.device_key);
  if (!offered_key || offered_key->size() != k_ed25519_public_key_size)
    return reject_all("malformed device key");

  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(tx.error());
  auto pinned = s.pinned_key(client_kiosk_id);
  if (!pinned) return std::unexpected(pinned.error());
  if (!pinned->empty() && *pinned != batch.device_key)
    return reject_all("device key differs from the key this kiosk enrolled with");
  // A kiosk never enrolled here (its certificate made by hand) has no pinned key: the offered
  // key is pinned only when this batch stores at least one record it signed, all in this
  // SQLite transaction. An empty, unsigned or refused batch pins nothing.
  bool pin_on_success = pinned->empty();

  auto existing = s.db.prepare("SELECT record_sha256 FROM transactions WHERE id = ?");
  auto same_sequence =
      s.db.prepare("SELECT id FROM transactions WHERE kiosk_id = ? AND sequence = ?");
  auto insert = s.db.prepare(
      "INSERT INTO transactions(id, kiosk_id, sequence, record, record_sha256, signature, "
      "received_ms) "
      "VALUES (?,?,?,?,?,?,?)");
  if (!existing) return std::unexpected(existing.error());
  if (!same_sequence) return std::unexpected(same_sequence.error());
  if (!insert) return std::unexpected(insert.error());
  std::int64_t received = now_ms();
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
    if (std::string why = s.check(client_kiosk_id, *offered_key, item, *record); !why.empty()) {
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
    if (auto ok = insert->run(); !ok) return std::unexpected(ok.error());
    results.push_back(UploadResult{item.id, UploadOutcome::accepted, {}});
    ++stored;
  }
  if (pin_on_success && stored > 0) {
    if (auto ok = s.pin_key(client_kiosk_id, batch.device_key); !ok)
      return std::unexpected(ok.error());
  }
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  return results;
}

Expected<void> PortalStore::record_heartbeat(std::string_view client_kiosk_id,
                                             const portal_protocol::Heartbeat& heartbeat) {
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto upsert = s.db.prepare(
      "INSERT INTO heartbeats(kiosk_id, received_ms, queue_depth, audit_head_seq, audit_head_hash, "
      "body) "
      "VALUES (?,?,?,?,?,?) ON CONFLICT(kiosk_id) DO UPDATE SET received_ms = "
      "excluded.received_ms, "
      "queue_depth = excluded.queue_depth, audit_head_seq = excluded.audit_head_seq, "
      "audit_head_hash = excluded.audit_head_hash, body = excluded.body");
  if (!upsert) return std::unexpected(upsert.error());
  upsert->bind(1, client_kiosk_id).bind(2, now_ms()).bind(3, heartbeat.queue_depth);
  // The heartbeat as decoded and validated, encoded again: nothing the kiosk did not say in
  // the protocol's own fields is kept.
  upsert->bind(4, heartbeat.audit_head_seq)
      .bind(5, heartbeat.audit_head_hash)
      .bind(6, portal_protocol::encode_heartbeat(heartbeat));
  return upsert->run();
}

Expected<std::int64_t> PortalStore::transaction_count() {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->db.query_int("SELECT count(*) FROM transactions");
}

Expected<std::string> PortalStore::issue_enrolment_token(std::string_view kiosk_id,
                                                         std::chrono::seconds lifetime) {
  if (auto ok = check_kiosk_id(kiosk_id); !ok) return std::unexpected(ok.error());
  Bytes secret(16);
  if (auto ok = random_bytes(secret); !ok) return std::unexpected(ok.error());
  std::string token = to_hex(secret);
  std::lock_guard lock(m_impl->mutex);
  auto insert = m_impl->db.prepare(
      "INSERT INTO enrolment_tokens(token_sha256, kiosk_id, expires_ms) VALUES (?,?,?)");
  if (!insert) return std::unexpected(insert.error());
  std::int64_t expires =
      now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime).count();
  insert->bind(1, to_hex(sha256(token))).bind(2, kiosk_id).bind(3, expires);
  if (auto ok = insert->run(); !ok) return std::unexpected(ok.error());
  return token;
}

Expected<std::string> PortalStore::enrol(
    std::string_view token, std::string_view kiosk_id, std::string_view device_key,
    const std::function<Expected<std::string>()>& issue_certificate) {
  if (auto ok = check_kiosk_id(kiosk_id); !ok) return std::unexpected(ok.error());
  Impl& s = *m_impl;
  std::lock_guard lock(s.mutex);
  auto tx = sqlite::Transaction::begin(s.db);
  if (!tx) return std::unexpected(tx.error());
  auto select = s.db.prepare(
      "SELECT kiosk_id, expires_ms, used_ms IS NOT NULL FROM enrolment_tokens WHERE token_sha256 = "
      "?");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, to_hex(sha256(token))).step();
  if (!row) return std::unexpected(row.error());
  // One message for unknown and wrong-kiosk tokens: the reply does not tell which ids have one.
  if (!*row || select->column_text(0) != kiosk_id)
    return fail(Errc::integrity, "the enrolment token is not valid for this kiosk id");
  bool used = select->column_int(2) != 0;
  std::int64_t expires_ms = select->column_int(1);
  select->reset();
  if (used) return fail(Errc::integrity, "the enrolment token was already used");
  if (expires_ms <= now_ms()) return fail(Errc::integrity, "the enrolment token has expired");

  auto chain = issue_certificate();
  if (!chain) return std::unexpected(chain.error());
  auto spend = s.db.prepare("UPDATE enrolment_tokens SET used_ms = ? WHERE token_sha256 = ?");
  if (!spend) return std::unexpected(spend.error());
  if (auto ok = spend->bind(1, now_ms()).bind(2, to_hex(sha256(token))).run(); !ok)
    return std::unexpected(ok.error());
  auto pin = s.db.prepare(
      "INSERT INTO kiosks(kiosk_id, device_key, first_seen_ms) VALUES (?,?,?) "
      "ON CONFLICT(kiosk_id) DO UPDATE SET device_key = excluded.device_key");
  if (!pin) return std::unexpected(pin.error());
  if (auto ok = pin->bind(1, kiosk_id).bind(2, device_key).bind(3, now_ms()).run(); !ok)
    return std::unexpected(ok.error());
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  s.log.info("kiosk {} enrolled; device key pinned", kiosk_id);
  return chain;
}

}  // namespace shubbak::portal
