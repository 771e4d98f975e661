// The admin console's storage in the portal's PostgreSQL database (tables admin_*), shared by
// every portal process on it.
#pragma once

#include <string_view>

#include "provisioning/portal/console/admin_store.hpp"

namespace shubbak::portal::console {

Expected<std::unique_ptr<AdminStore>> open_postgres_admin_store(std::string_view uri);

}  // namespace shubbak::portal::console
