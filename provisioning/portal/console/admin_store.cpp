#include "provisioning/portal/console/admin_store.hpp"

#include "provisioning/portal/console/postgres_admin_store.hpp"
#include "provisioning/portal/console/sqlite_admin_store.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

std::string_view role_name(AdminRole role) {
  return role == AdminRole::operator_role ? "operator" : "viewer";
}

std::optional<AdminRole> parse_role(std::string_view name) {
  if (name == "viewer") return AdminRole::viewer;
  if (name == "operator") return AdminRole::operator_role;
  return std::nullopt;
}

Expected<std::unique_ptr<AdminStore>> open_admin_store(std::string_view location) {
  if (is_postgresql_location(location)) return open_postgres_admin_store(location);
  return open_sqlite_admin_store(std::filesystem::path(location));
}

}  // namespace shubbak::portal::console
