#include "provisioning/portal/console/sqlite_admin_store.hpp"

#include <mutex>

#include "kiosk/store/sqlite.hpp"

namespace shubbak::portal::console {

namespace {

constexpr const char* k_schema = R"(
CREATE TABLE IF NOT EXISTS admin_accounts (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  failed_sign_ins INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS admin_sessions (
  id_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL REFERENCES admin_accounts(name),
  expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS admin_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  name TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  address TEXT NOT NULL);
)";

class SqliteAdminStore final : public AdminStore {
 public:
  explicit SqliteAdminStore(sqlite::Database db) : m_db(std::move(db)) {}

  Expected<void> add_account(std::string_view user, AdminRole role,
                             std::string_view password_hash) override {
    std::lock_guard lock(m_mutex);
    auto exists = m_db.prepare("SELECT 1 FROM admin_accounts WHERE name = ?1");
    if (!exists) return std::unexpected(exists.error());
    auto row = exists->bind(1, user).step();
    if (!row) return std::unexpected(row.error());
    if (*row) return fail(Errc::integrity, "an admin account with this name exists already");
    auto insert =
        m_db.prepare("INSERT INTO admin_accounts (name, role, password_hash) VALUES (?1, ?2, ?3)");
    if (!insert) return std::unexpected(insert.error());
    return insert->bind(1, user).bind(2, role_name(role)).bind(3, password_hash).run();
  }

  Expected<std::optional<AdminAccount>> account(std::string_view user) override {
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare(
        "SELECT name, role, password_hash, failed_sign_ins, locked_until_ms FROM admin_accounts "
        "WHERE name = ?1");
    if (!query) return std::unexpected(query.error());
    auto row = query->bind(1, user).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<AdminAccount>();
    AdminAccount account;
    account.user = query->column_text(0);
    account.role = parse_role(query->column_text(1)).value_or(AdminRole::viewer);
    account.password_hash = query->column_text(2);
    account.failed_sign_ins = query->column_int(3);
    account.locked_until_ms = query->column_int(4);
    return std::optional<AdminAccount>(std::move(account));
  }

  Expected<void> record_failed_sign_in(std::string_view user, std::int64_t now_ms, int max_failures,
                                       std::int64_t lockout_ms) override {
    std::lock_guard lock(m_mutex);
    auto update = m_db.prepare(
        "UPDATE admin_accounts SET "
        "locked_until_ms = CASE WHEN failed_sign_ins + 1 >= ?2 THEN ?3 ELSE locked_until_ms END, "
        "failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= ?2 THEN 0 ELSE failed_sign_ins + 1 "
        "END WHERE name = ?1");
    if (!update) return std::unexpected(update.error());
    return update->bind(1, user)
        .bind(2, std::int64_t{max_failures})
        .bind(3, now_ms + lockout_ms)
        .run();
  }

  Expected<void> clear_failed_sign_ins(std::string_view user) override {
    std::lock_guard lock(m_mutex);
    auto update = m_db.prepare("UPDATE admin_accounts SET failed_sign_ins = 0 WHERE name = ?1");
    if (!update) return std::unexpected(update.error());
    return update->bind(1, user).run();
  }

  Expected<void> create_session(std::string_view id_hash, std::string_view user,
                                std::int64_t expires_ms) override {
    std::lock_guard lock(m_mutex);
    auto insert =
        m_db.prepare("INSERT INTO admin_sessions (id_hash, name, expires_ms) VALUES (?1, ?2, ?3)");
    if (!insert) return std::unexpected(insert.error());
    return insert->bind(1, id_hash).bind(2, user).bind(3, expires_ms).run();
  }

  Expected<std::optional<AdminSession>> session(std::string_view id_hash,
                                                std::int64_t now_ms) override {
    std::lock_guard lock(m_mutex);
    auto purge = m_db.prepare("DELETE FROM admin_sessions WHERE expires_ms <= ?1");
    if (!purge) return std::unexpected(purge.error());
    if (auto ok = purge->bind(1, now_ms).run(); !ok) return std::unexpected(ok.error());
    auto query = m_db.prepare(
        "SELECT s.name, a.role, s.expires_ms FROM admin_sessions s "
        "JOIN admin_accounts a ON a.name = s.name WHERE s.id_hash = ?1");
    if (!query) return std::unexpected(query.error());
    auto row = query->bind(1, id_hash).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<AdminSession>();
    AdminSession session;
    session.user = query->column_text(0);
    session.role = parse_role(query->column_text(1)).value_or(AdminRole::viewer);
    session.expires_ms = query->column_int(2);
    return std::optional<AdminSession>(std::move(session));
  }

  Expected<void> delete_session(std::string_view id_hash) override {
    std::lock_guard lock(m_mutex);
    auto remove = m_db.prepare("DELETE FROM admin_sessions WHERE id_hash = ?1");
    if (!remove) return std::unexpected(remove.error());
    return remove->bind(1, id_hash).run();
  }

  Expected<void> audit(const AuditEntry& entry) override {
    std::lock_guard lock(m_mutex);
    auto insert = m_db.prepare(
        "INSERT INTO admin_audit (at_ms, name, action, detail, address) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert) return std::unexpected(insert.error());
    return insert->bind(1, entry.at_ms)
        .bind(2, entry.user)
        .bind(3, entry.action)
        .bind(4, entry.detail)
        .bind(5, entry.address)
        .run();
  }

  Expected<std::vector<AuditEntry>> audit_log(int limit) override {
    std::lock_guard lock(m_mutex);
    auto query = m_db.prepare(
        "SELECT at_ms, name, action, detail, address FROM admin_audit ORDER BY id DESC LIMIT ?1");
    if (!query) return std::unexpected(query.error());
    query->bind(1, std::int64_t{limit});
    std::vector<AuditEntry> entries;
    for (;;) {
      auto row = query->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      entries.push_back({query->column_int(0), query->column_text(1), query->column_text(2),
                         query->column_text(3), query->column_text(4)});
    }
    return entries;
  }

 private:
  std::mutex m_mutex;
  sqlite::Database m_db;
};

}  // namespace

Expected<std::unique_ptr<AdminStore>> open_sqlite_admin_store(const std::filesystem::path& path) {
  auto db = sqlite::Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return std::unexpected(db.error());
  auto mode = db->query_text("PRAGMA journal_mode=WAL");
  if (!mode) return std::unexpected(mode.error());
  if (auto ok = db->exec("PRAGMA synchronous=FULL"); !ok) return std::unexpected(ok.error());
  if (auto ok = db->exec(k_schema); !ok) return std::unexpected(ok.error());
  return std::make_unique<SqliteAdminStore>(std::move(*db));
}

}  // namespace shubbak::portal::console
