// The portal's storage, behind one interface with two backends:
//   - SQLite (sqlite_portal_store.hpp): the embedded default, one portal process, one file;
//   - PostgreSQL (postgres_portal_store.hpp): for fleets, any number of stateless portal
//     processes on one database.
// Both keep every transaction exactly once, the kiosks' device keys, each kiosk's latest
// heartbeat and a bounded history of them, and the enrolment tokens. A batch is checked and
// stored in one database transaction that is durable before the reply is sent.
//
// Threading: any thread; each backend makes its calls safe to run at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak::portal {

// A kiosk as the portal last saw it: its latest heartbeat (encoded again after validation) and
// when it arrived, by the portal's clock.
struct KioskSnapshot {
  std::string kiosk_id;
  std::optional<std::int64_t> heartbeat_ms;  // none: enrolled or seen, but no heartbeat yet
  std::string heartbeat;                     // JSON, portal_protocol::encode_heartbeat()
  // Its groups (kiosk/core/kiosk_group.hpp): those its client certificate carried with its latest
  // heartbeat, or else those its enrolment token assigned.
  std::vector<std::string> groups;
  // How many heartbeats in a row found its outbox deeper than the one before (one that finds
  // it shallower starts again from 0; an unchanged depth neither counts nor resets).
  std::int64_t queue_rises = 0;
};

// An enrolment token as the console lists it; the token itself is never stored.
struct EnrolmentTokenInfo {
  std::string id;  // the first k_token_id_digits hex digits of the token's SHA-256
  std::string kiosk_id;
  std::vector<std::string> groups;
  std::int64_t issued_ms = 0;
  std::int64_t expires_ms = 0;
  std::optional<std::int64_t> used_ms;
  std::optional<std::int64_t> revoked_ms;
};

inline constexpr std::size_t k_token_id_digits = 12;

// Heartbeats kept per kiosk for its page in the console; older ones are dropped.
inline constexpr int k_heartbeat_history = 100;

// A stored transaction as the console shows it: the record exactly as the kiosk signed it.
struct StoredTransaction {
  std::string id;
  std::string kiosk_id;
  std::int64_t sequence = 0;
  std::string record;  // canonical JSON (kiosk/store/transaction_record.hpp)
  std::int64_t received_ms = 0;
};

// An upload item the portal refused, once per kiosk and item id however often it came again.
struct ItemRefusal {
  std::string kiosk_id;
  std::string transaction_id;  // the item's id as the kiosk sent it (not always a UUID)
  std::string reason;          // the latest refusal's
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  std::int64_t times_seen = 0;
};

class PortalStore {
 public:
  explicit PortalStore(Log log) : m_log(std::move(log)) {}
  virtual ~PortalStore() = default;

  // Checks and stores `batch` from the kiosk authenticated as `client_kiosk_id` (the client
  // certificate's CN). Per item: accepted (new), duplicate (same id, same record bytes) or
  // rejected (same id with another record, another transaction under the same kiosk
  // sequence, signature or key that does not verify, record of another kiosk, a record that
  // fails validate_record()). A kiosk's device key is pinned at enrolment; a kiosk that was
  // never enrolled (certificate made by hand) has its key pinned by its first batch that stores
  // at least one record signed with it, never by an empty or wholly refused one. The same
  // batch sent at once to two portal processes is stored once. Every rejected item is then kept
  // with its reason (refusals()); the batch stands whatever happens to that record, which is
  // only logged when it fails.
  Expected<std::vector<UploadResult>> ingest(std::string_view client_kiosk_id,
                                             const portal_protocol::Batch& batch);
  // Keeps the kiosk's latest heartbeat (decoded and validated; stored re-encoded) and the
  // groups its client certificate carries, and adds the heartbeat to the kiosk's history (the
  // newest k_heartbeat_history kept).
  virtual Expected<void> record_heartbeat(std::string_view client_kiosk_id,
                                          const std::vector<std::string>& client_groups,
                                          const portal_protocol::Heartbeat& heartbeat) = 0;

  virtual Expected<std::int64_t> transaction_count() = 0;
  // Every kiosk that enrolled, stored a transaction or sent a heartbeat, by kiosk id. Read
  // without touching the transactions (a kiosk's first stored batch pins its key in kiosks).
  virtual Expected<std::vector<KioskSnapshot>> kiosks() = 0;
  // The kiosk's heartbeats, newest first, at most `limit`.
  virtual Expected<std::vector<KioskSnapshot>> heartbeat_history(std::string_view kiosk_id,
                                                                 int limit) = 0;

  // Enrolment. A one-time token lets one technician enrol one kiosk id once, before it expires,
  // into the groups the admin chose (site, region, pilot…: kiosk_groups.hpp). Only the token's
  // SHA-256 is stored; the token itself is returned once, here (32 hex digits).
  // Errc::invalid_argument for an invalid kiosk id (kiosk/core/kiosk_id.hpp) or group name.
  virtual Expected<std::string> issue_enrolment_token(std::string_view kiosk_id,
                                                      std::chrono::seconds lifetime,
                                                      const std::vector<std::string>& groups) = 0;
  // Redeems `token` for `kiosk_id`: refused with Errc::integrity when the token is unknown,
  // issued for another kiosk id, used, revoked or expired (each with its own message: only the
  // holder of a token learns anything from it), or when `issue_certificate` refuses. Otherwise,
  // in one database transaction, the token is spent, `device_key` (base64 raw Ed25519) is
  // pinned for the kiosk and the token's groups become the kiosk's (replacing an earlier pin
  // and groups: the token is the admin's word that this is the kiosk). `issue_certificate` is
  // given the token's groups, to bind them in the certificate. Returns what it returned.
  using CertificateIssuer =
      std::function<Expected<std::string>(const std::vector<std::string>& groups)>;
  virtual Expected<std::string> enrol(std::string_view token, std::string_view kiosk_id,
                                      std::string_view device_key,
                                      const CertificateIssuer& issue_certificate) = 0;
  // Every token issued, newest first, at most `limit`.
  virtual Expected<std::vector<EnrolmentTokenInfo>> enrolment_tokens(int limit) = 0;
  // Revokes the unused token whose id is `token_id`: Errc::not_found when there is none,
  // Errc::integrity when it was used already (revoking it would undo nothing). Revoking a
  // revoked or expired token succeeds and changes nothing.
  virtual Expected<EnrolmentTokenInfo> revoke_enrolment_token(std::string_view token_id) = 0;

  // For the console: transactions and refusals.
  // The transactions whose id starts with `id_prefix` (canonical lower-case text: a whole id or
  // its beginning, hyphens where the id has them), by id, at most `limit`. The caller checks the
  // prefix's form: it is matched as it is.
  virtual Expected<std::vector<StoredTransaction>> find_transactions(std::string_view id_prefix,
                                                                     int limit) = 0;
  // The transactions whose short reference (kiosk/core/short_reference.hpp; `compact`: eight
  // characters, no hyphen, as parse_short_reference() gives) is `compact`, by id, at most
  // `limit`. A reference is not unique across a fleet: more than one may answer.
  virtual Expected<std::vector<StoredTransaction>> find_transactions_by_short_reference(
      std::string_view compact, int limit) = 0;
  // The kiosk's transaction under `sequence` (the counter reference a citizen is given when the
  // receipt did not print), or nullopt.
  virtual Expected<std::optional<StoredTransaction>> find_transaction_by_sequence(
      std::string_view kiosk_id, std::int64_t sequence) = 0;
  // The kiosk's pinned device key (base64 raw Ed25519), or nullopt when none is pinned.
  virtual Expected<std::optional<std::string>> device_key(std::string_view kiosk_id) = 0;
  // Every item ingest() rejects is kept here (its kiosk being the client certificate's), once
  // per kiosk and item id, counted. Newest (last seen) first, at most `limit`; `kiosk_id` empty:
  // every kiosk's.
  virtual Expected<std::vector<ItemRefusal>> refusals(std::string_view kiosk_id, int limit) = 0;

 protected:
  // ingest()'s two steps, one database transaction each: the batch judged and stored, then the
  // rejected items of `results` kept (called only when there is one).
  virtual Expected<std::vector<UploadResult>> store_batch(std::string_view client_kiosk_id,
                                                          const portal_protocol::Batch& batch) = 0;
  virtual Expected<void> keep_refusals(std::string_view client_kiosk_id,
                                       const std::vector<UploadResult>& results) = 0;

  Log m_log;
};

// `location` is a PostgreSQL URI (postgresql://… or postgres://…, libpq's syntax) or the path of
// a SQLite file (made when missing). The schema is made or migrated to this version.
Expected<std::unique_ptr<PortalStore>> open_portal_store(std::string_view location, Log log);

// True when `location` names a PostgreSQL database rather than a SQLite file.
bool is_postgresql_location(std::string_view location);

}  // namespace shubbak::portal
