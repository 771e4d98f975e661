#include "provisioning/portal/portal_store.hpp"

#include "provisioning/portal/postgres_portal_store.hpp"
#include "provisioning/portal/sqlite_portal_store.hpp"

namespace shubbak::portal {

bool is_postgresql_location(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Expected<std::unique_ptr<PortalStore>> open_portal_store(std::string_view location, Log log) {
  if (is_postgresql_location(location)) return open_postgres_portal_store(location, std::move(log));
  return open_sqlite_portal_store(std::filesystem::path(location), std::move(log));
}

}  // namespace shubbak::portal
