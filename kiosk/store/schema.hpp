// The transaction store's schema and its migrations (PRAGMA user_version counts them).
// Private to kiosk/store.
#pragma once

#include "kiosk/core/error.hpp"
#include "kiosk/store/sqlite.hpp"

namespace shubbak::store_schema {

// The version this build writes. A database from a newer build is refused, never downgraded.
int current_version();

// Applies every migration the database has not had, each in its own SQLite transaction.
Expected<void> migrate(sqlite::Database& db);

}  // namespace shubbak::store_schema
