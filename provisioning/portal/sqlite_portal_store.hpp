// The portal's embedded storage: one SQLite file (WAL, synchronous=FULL) for one portal
// process, the default for one site and the demo. Calls are serialised inside.
#pragma once

#include <filesystem>
#include <memory>

#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal {

Expected<std::unique_ptr<PortalStore>> open_sqlite_portal_store(const std::filesystem::path& path,
                                                                Log log);

}  // namespace shubbak::portal
