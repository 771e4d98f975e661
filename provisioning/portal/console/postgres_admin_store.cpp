#include "provisioning/portal/console/postgres_admin_store.hpp"

#include <string>

#include "provisioning/portal/postgres.hpp"

namespace shubbak::portal::console {

namespace {

// Made under an advisory lock, so that portal processes starting at once on one database do
// not race to create the same tables.
constexpr const char* k_schema = R"(
BEGIN;
SELECT pg_advisory_xact_lock(7361626);
CREATE TABLE IF NOT EXISTS admin_accounts (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  failed_sign_ins BIGINT NOT NULL DEFAULT 0,
  locked_until_ms BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS admin_sessions (
  id_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL REFERENCES admin_accounts(name),
  expires_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS admin_audit (
  id BIGSERIAL PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  name TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  address TEXT NOT NULL);
COMMIT;
)";

constexpr int k_pool_size = 4;

std::string text(std::string_view value) {
  return std::string(value);
}

class PostgresAdminStore final : public AdminStore {
 public:
  explicit PostgresAdminStore(std::string uri) : m_pool(std::move(uri), k_pool_size) {}

  Expected<void> add_account(std::string_view user, AdminRole role,
                             std::string_view password_hash) override {
    auto result =
        run("INSERT INTO admin_accounts (name, role, password_hash) VALUES ($1, $2, $3) "
            "ON CONFLICT (name) DO NOTHING",
            {text(user), text(role_name(role)), text(password_hash)});
    if (!result) return std::unexpected(result.error());
    if (result->affected() == 0)
      return fail(Errc::integrity, "an admin account with this name exists already");
    return {};
  }

  Expected<std::optional<AdminAccount>> account(std::string_view user) override {
    auto result = run(
        "SELECT name, role, password_hash, failed_sign_ins, locked_until_ms FROM admin_accounts "
        "WHERE name = $1",
        {text(user)});
    if (!result) return std::unexpected(result.error());
    if (result->rows() == 0) return std::optional<AdminAccount>();
    AdminAccount account;
    account.user = result->text(0, 0);
    account.role = parse_role(result->text(0, 1)).value_or(AdminRole::viewer);
    account.password_hash = result->text(0, 2);
    account.failed_sign_ins = result->integer(0, 3);
    account.locked_until_ms = result->integer(0, 4);
    return std::optional<AdminAccount>(std::move(account));
  }

  Expected<void> record_failed_sign_in(std::string_view user, std::int64_t now_ms, int max_failures,
                                       std::int64_t lockout_ms) override {
    // One statement: two portal processes counting failures at once cannot lose one.
    auto result = run(
        "UPDATE admin_accounts SET "
        "locked_until_ms = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until_ms END, "
        "failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= $2 THEN 0 ELSE failed_sign_ins + 1 "
        "END WHERE name = $1",
        {text(user), std::to_string(max_failures), std::to_string(now_ms + lockout_ms)});
    if (!result) return std::unexpected(result.error());
    return {};
  }

  Expected<void> clear_failed_sign_ins(std::string_view user) override {
    auto result =
        run("UPDATE admin_accounts SET failed_sign_ins = 0 WHERE name = $1", {text(user)});
    if (!result) return std::unexpected(result.error());
    return {};
  }

  Expected<void> create_session(std::string_view id_hash, std::string_view user,
                                std::int64_t expires_ms) override {
    auto result = run("INSERT INTO admin_sessions (id_hash, name, expires_ms) VALUES ($1, $2, $3)",
                      {text(id_hash), text(user), std::to_string(expires_ms)});
    if (!result) return std::unexpected(result.error());
    return {};
  }

  Expected<std::optional<AdminSession>> session(std::string_view id_hash,
                                                std::int64_t now_ms) override {
    if (auto purged =
            run("DELETE FROM admin_sessions WHERE expires_ms <= $1", {std::to_string(now_ms)});
        !purged)
      return std::unexpected(purged.error());
    auto result =
        run("SELECT s.name, a.role, s.expires_ms FROM admin_sessions s "
            "JOIN admin_accounts a ON a.name = s.name WHERE s.id_hash = $1",
            {text(id_hash)});
    if (!result) return std::unexpected(result.error());
    if (result->rows() == 0) return std::optional<AdminSession>();
    AdminSession session;
    session.user = result->text(0, 0);
    session.role = parse_role(result->text(0, 1)).value_or(AdminRole::viewer);
    session.expires_ms = result->integer(0, 2);
    return std::optional<AdminSession>(std::move(session));
  }

  Expected<void> delete_session(std::string_view id_hash) override {
    auto result = run("DELETE FROM admin_sessions WHERE id_hash = $1", {text(id_hash)});
    if (!result) return std::unexpected(result.error());
    return {};
  }

  Expected<void> audit(const AuditEntry& entry) override {
    auto result =
        run("INSERT INTO admin_audit (at_ms, name, action, detail, address) "
            "VALUES ($1, $2, $3, $4, $5)",
            {std::to_string(entry.at_ms), entry.user, entry.action, entry.detail, entry.address});
    if (!result) return std::unexpected(result.error());
    return {};
  }

  Expected<std::vector<AuditEntry>> audit_log(int limit) override {
    auto result = run(
        "SELECT at_ms, name, action, detail, address FROM admin_audit ORDER BY id DESC LIMIT $1",
        {std::to_string(limit)});
    if (!result) return std::unexpected(result.error());
    std::vector<AuditEntry> entries;
    for (int row = 0; row < result->rows(); ++row) {
      entries.push_back({result->integer(row, 0), result->text(row, 1), result->text(row, 2),
                         result->text(row, 3), result->text(row, 4)});
    }
    return entries;
  }

  Expected<void> migrate() {
    auto lease = m_pool.acquire();
    if (!lease) return std::unexpected(lease.error());
    return (*lease)->run_script(k_schema);
  }

 private:
  Expected<postgres::Result> run(std::string_view sql, const postgres::Params& params) {
    auto lease = m_pool.acquire();
    if (!lease) return std::unexpected(lease.error());
    return (*lease)->query(sql, params);
  }

  postgres::ConnectionPool m_pool;
};

}  // namespace

Expected<std::unique_ptr<AdminStore>> open_postgres_admin_store(std::string_view uri) {
  auto store = std::make_unique<PostgresAdminStore>(std::string(uri));
  if (auto ok = store->migrate(); !ok) return std::unexpected(ok.error());
  return store;
}

}  // namespace shubbak::portal::console
