// The reference portal's storage: every transaction exactly once, the kiosks' device keys, and
// each kiosk's latest heartbeat, in one SQLite file (WAL, synchronous=FULL). A batch is checked
// and stored in one SQLite transaction that is durable before the reply is sent.
//
// Threading: any thread; calls are serialised inside.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak::portal {

class PortalStore final {
 public:
  static Expected<std::unique_ptr<PortalStore>> open(const std::filesystem::path& path, Log log);
  ~PortalStore();
  PortalStore(const PortalStore&) = delete;
  PortalStore& operator=(const PortalStore&) = delete;

  // Checks and stores `batch` from the kiosk authenticated as `client_kiosk_id` (the client
  // certificate's CN). Per item: accepted (new), duplicate (same id, same record bytes) or
  // rejected (same id with another record, another transaction under the same kiosk
  // sequence, signature or key that does not verify, record of another kiosk, a record that
  // fails validate_record()). A kiosk's device key is pinned at enrolment; a kiosk that was
  // never enrolled (certificate made by hand) has its key pinned by its first batch that stores
  // at least one record signed with it, never by an empty or wholly refused one.
  Expected<std::vector<UploadResult>> ingest(std::string_view client_kiosk_id,
                                             const portal_protocol::Batch& batch);
  // Keeps the kiosk's latest heartbeat (decoded and validated; stored re-encoded).
  Expected<void> record_heartbeat(std::string_view client_kiosk_id,
                                  const portal_protocol::Heartbeat& heartbeat);

  Expected<std::int64_t> transaction_count();

  // Enrolment. A one-time token lets one technician enrol one kiosk id once, before it expires.
  // Only the token's SHA-256 is stored; the token itself is returned once, here (32 hex digits).
  // Errc::invalid_argument for an invalid kiosk id (kiosk/core/kiosk_id.hpp).
  Expected<std::string> issue_enrolment_token(std::string_view kiosk_id,
                                              std::chrono::seconds lifetime);
  // Redeems `token` for `kiosk_id`: refused with Errc::integrity when the token is unknown, used,
  // expired or for another kiosk id, or when `issue_certificate` refuses. Otherwise, in one
  // SQLite transaction, the token is spent and `device_key` (base64 raw Ed25519) is pinned for
  // the kiosk (replacing an earlier pin: the token is the admin's word that this is the kiosk).
  // Returns what `issue_certificate` returned.
  Expected<std::string> enrol(std::string_view token, std::string_view kiosk_id,
                              std::string_view device_key,
                              const std::function<Expected<std::string>()>& issue_certificate);

 private:
  struct Impl;
  explicit PortalStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak::portal
