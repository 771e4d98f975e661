// The admin console's storage in the portal's SQLite file (tables admin_*).
#pragma once

#include <filesystem>

#include "provisioning/portal/console/admin_store.hpp"

namespace shubbak::portal::console {

Expected<std::unique_ptr<AdminStore>> open_sqlite_admin_store(const std::filesystem::path& path);

}  // namespace shubbak::portal::console
