// The reference portal's storage: every transaction exactly once, the kiosks' device keys, and
// each kiosk's latest heartbeat, in one SQLite file (WAL, synchronous=FULL). A batch is checked
// and stored in one SQLite transaction that is durable before the reply is sent.
//
// Threading: any thread; calls are serialised inside.
#pragma once

#include <cstdint>
#include <filesystem>
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
  // rejected (same id with another record, signature or key that does not verify, record of
  // another kiosk, malformed). The first batch of a kiosk pins its device key.
  Expected<std::vector<UploadResult>> ingest(std::string_view client_kiosk_id,
                                             const portal_protocol::Batch& batch);
  Expected<void> record_heartbeat(std::string_view client_kiosk_id,
                                  const portal_protocol::Heartbeat& heartbeat,
                                  std::string_view raw_json);

  Expected<std::int64_t> transaction_count();

 private:
  struct Impl;
  explicit PortalStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak::portal
