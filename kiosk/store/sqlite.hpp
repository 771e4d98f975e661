// A thin RAII layer over the SQLite C API, shared by the SQLite backends (the kiosk's
// transaction store and the reference portal). It includes sqlite3.h, so it is included only
// from those backends' .cpp files, never from a public header.
//
// SQLite result codes become an Errc here, once: SQLITE_FULL -> io (and is_full()),
// SQLITE_CORRUPT/NOTADB -> integrity, SQLITE_BUSY/LOCKED -> timeout, SQLITE_CONSTRAINT ->
// invalid_argument, everything else -> io.
//
// Threading: a Database and its Statements belong to one thread at a time; callers serialise.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "kiosk/core/error.hpp"

namespace shubbak::sqlite {

class Statement;

// The Error for result code `rc` on `db`, as "what: sqlite message (code N)".
Error error_for(int rc, sqlite3* db, std::string_view what);
bool is_full_code(int rc);

class Database {
 public:
  // Opens (flags: SQLITE_OPEN_*) with extended result codes and a busy timeout.
  static Expected<Database> open(const std::filesystem::path& path, int flags);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Runs one or more statements that return no rows we need.
  Expected<void> exec(std::string_view sql);
  Expected<Statement> prepare(std::string_view sql);
  // The first column of the first row of `sql` as an integer or text.
  Expected<std::int64_t> query_int(std::string_view sql);
  Expected<std::string> query_text(std::string_view sql);

  sqlite3* handle() const { return m_db.get(); }
  // True when a call on this connection (or one of its statements) failed because the
  // database or the disk was full since the last time this was asked; asking clears it.
  bool take_full_flag() { return std::exchange(*m_full, false); }
  std::int64_t changes() const { return sqlite3_changes64(m_db.get()); }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  explicit Database(sqlite3* db) : m_db(db), m_full(std::make_unique<bool>(false)) {}
  std::unique_ptr<sqlite3, Close> m_db;
  std::unique_ptr<bool> m_full;  // on the heap so statements keep a stable pointer across moves
};

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Parameters are 1-based, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);

  // True when a row is ready, false when done; an error otherwise. The first bind error, if
  // any, is reported here.
  Expected<bool> step();
  // Steps to completion, expecting no rows.
  Expected<void> run();
  // Clears bindings and rewinds, to run again.
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class Database;
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Statement(sqlite3_stmt* stmt, sqlite3* db, bool* full) : m_stmt(stmt), m_db(db), m_full(full) {}
  std::unique_ptr<sqlite3_stmt, Finalize> m_stmt;
  sqlite3* m_db;
  bool* m_full;
  int m_bind_rc = SQLITE_OK;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless commit() succeeded.
class Transaction {
 public:
  static Expected<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Expected<void> commit();

 private:
  explicit Transaction(Database& db) : m_db(&db) {}
  Database* m_db;
};

}  // namespace shubbak::sqlite
