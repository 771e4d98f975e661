#include "provisioning/portal/portal_store.hpp"

#include <algorithm>

#include "provisioning/portal/postgres_portal_store.hpp"
#include "provisioning/portal/sqlite_portal_store.hpp"

namespace shubbak::portal {

Expected<std::vector<UploadResult>> PortalStore::ingest(std::string_view client_kiosk_id,
                                                        const portal_protocol::Batch& batch) {
  auto results = store_batch(client_kiosk_id, batch);
  if (!results) return results;
  if (std::none_of(results->begin(), results->end(),
                   [](const UploadResult& r) { return r.outcome == UploadOutcome::rejected; }))
    return results;
  // The batch is stored whatever happens here: a refusal not kept is logged, not a failed upload.
  if (auto kept = keep_refusals(client_kiosk_id, *results); !kept)
    m_log.error("cannot keep the refusals of kiosk {}: {}", client_kiosk_id,
                kept.error().describe());
  return results;
}

bool is_postgresql_location(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Expected<std::unique_ptr<PortalStore>> open_portal_store(std::string_view location, Log log) {
  if (is_postgresql_location(location)) return open_postgres_portal_store(location, std::move(log));
  return open_sqlite_portal_store(std::filesystem::path(location), std::move(log));
}

}  // namespace shubbak::portal
