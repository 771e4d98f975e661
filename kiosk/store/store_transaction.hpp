// What a part of the store that lives beside the transactions (the receipt journal) gets inside
// one of the store's SQLite transactions. Private to kiosk/store: it exposes sqlite.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/store/sqlite.hpp"

namespace shubbak {

struct StoreTransaction {
  sqlite::Database& db;
  std::int64_t now_ms;  // the store's wall clock (tests inject theirs)
  // Appends to the hash-chained audit log inside this transaction (`detail`: a JSON object).
  std::function<Expected<void>(std::string_view kind, std::string_view detail)> audit;
};

}  // namespace shubbak
