#include "kiosk/store/sqlite.hpp"

#include <fmt/format.h>

namespace shubbak::sqlite {

namespace {
constexpr int k_busy_timeout_ms = 5000;

Errc errc_for(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_FULL:
      return Errc::io;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Errc::integrity;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::timeout;
    case SQLITE_CONSTRAINT:
      return Errc::invalid_argument;
    case SQLITE_CANTOPEN:
      return Errc::not_found;
    default:
      return Errc::io;
  }
}
}  // namespace

bool is_full_code(int rc) {
  return (rc & 0xFF) == SQLITE_FULL;
}

Error error_for(int rc, sqlite3* db, std::string_view what) {
  const char* message =
      db != nullptr && sqlite3_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error{errc_for(rc), fmt::format("{}: {} (sqlite code {})", what, message, rc)};
}

Expected<Database> Database::open(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK)
    return std::unexpected(error_for(rc, raw, fmt::format("cannot open {}", path.string())));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, k_busy_timeout_ms);
  return db;
}

Expected<void> Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (is_full_code(rc)) *m_full = true;
  if (rc != SQLITE_OK)
    return std::unexpected(error_for(rc, m_db.get(), fmt::format("sql \"{:.60}\"", sql)));
  return {};
}

Expected<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return std::unexpected(error_for(rc, m_db.get(), fmt::format("prepare \"{:.60}\"", sql)));
  }
  return Statement(stmt, m_db.get(), m_full.get());
}

Expected<std::int64_t> Database::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, fmt::format("no row from \"{:.60}\"", sql));
  return stmt->column_int(0);
}

Expected<std::string> Database::query_text(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, fmt::format("no row from \"{:.60}\"", sql));
  return stmt->column_text(0);
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(m_stmt.get(), index, value);
  if (m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(m_stmt.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  int rc = sqlite3_bind_blob64(m_stmt.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(m_stmt.get(), index);
  if (m_bind_rc == SQLITE_OK) m_bind_rc = rc;
  return *this;
}

Expected<bool> Statement::step() {
  if (m_bind_rc != SQLITE_OK) return std::unexpected(error_for(m_bind_rc, m_db, "bind"));
  int rc = sqlite3_step(m_stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (is_full_code(rc)) *m_full = true;
  return std::unexpected(
      error_for(rc, m_db, fmt::format("sql \"{:.60}\"", sqlite3_sql(m_stmt.get()))));
}

Expected<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(m_stmt.get());
  sqlite3_clear_bindings(m_stmt.get());
  m_bind_rc = SQLITE_OK;
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(m_stmt.get(), index);
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(m_stmt.get(), index);
  int size = sqlite3_column_bytes(m_stmt.get(), index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(m_stmt.get(), index) == SQLITE_NULL;
}

Expected<Transaction> Transaction::begin(Database& db) {
  if (auto started = db.exec("BEGIN IMMEDIATE"); !started) return std::unexpected(started.error());
  return Transaction(db);
}

Transaction::~Transaction() {
  // A failed statement (SQLITE_FULL among others) may already have rolled back; this is then a
  // harmless no-op.
  if (m_db != nullptr && sqlite3_get_autocommit(m_db->handle()) == 0) (void)m_db->exec("ROLLBACK");
}

Expected<void> Transaction::commit() {
  auto done = m_db->exec("COMMIT");
  if (done) m_db = nullptr;
  return done;
}

}  // namespace shubbak::sqlite
