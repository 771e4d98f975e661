// The portal's storage for fleets: one PostgreSQL database that any number of stateless portal
// processes share. Each batch is one database transaction; INSERT … ON CONFLICT makes the same
// batch sent to two processes at once land once. The schema is migrated at open, under an
// advisory lock so that processes starting together migrate once.
#pragma once

#include <memory>
#include <string_view>

#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal {

// `uri`: libpq's connection URI (postgresql://user@host/db?host=/socket/dir …). `connections`:
// how many the process opens at most, shared by its server threads.
Expected<std::unique_ptr<PortalStore>> open_postgres_portal_store(std::string_view uri, Log log,
                                                                  int connections = 8);

}  // namespace shubbak::portal
