// The admin console's own storage, beside the portal's (portal_store.hpp) in the same database:
// admin accounts (scrypt password hashes, role, failed sign-ins and lockout), sessions (only the
// SHA-256 of a session id is stored) and the audit log of every admin action.
// Two backends, as the portal's: a SQLite file and PostgreSQL (through postgres.hpp).
//
// Threading: any thread; each backend makes its calls safe to run at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak::portal::console {

enum class AdminRole { viewer, operator_role };

std::string_view role_name(AdminRole role);
std::optional<AdminRole> parse_role(std::string_view name);

struct AdminAccount {
  std::string user;
  AdminRole role = AdminRole::viewer;
  std::string password_hash;  // kiosk/crypto/pin_hash.hpp's scrypt encoding
  std::int64_t failed_sign_ins = 0;
  std::int64_t locked_until_ms = 0;  // Unix ms; sign-in refused before it
};

struct AdminSession {
  std::string user;
  AdminRole role = AdminRole::viewer;
  std::int64_t expires_ms = 0;
};

struct AuditEntry {
  std::int64_t at_ms = 0;
  std::string user;     // who acted (or tried to: the name typed at a failed sign-in)
  std::string action;   // sign_in, sign_in_failed, sign_in_locked, sign_out, token_issued, ...
  std::string detail;   // e.g. the kiosk id a token was issued for
  std::string address;  // the client's address
};

class AdminStore {
 public:
  virtual ~AdminStore() = default;

  // Errc::integrity when the user exists already.
  virtual Expected<void> add_account(std::string_view user, AdminRole role,
                                     std::string_view password_hash) = 0;
  virtual Expected<std::optional<AdminAccount>> account(std::string_view user) = 0;
  // Counts one failed sign-in; the `max_failures`-th in a row locks the account until
  // `now_ms + lockout_ms` and starts the count again.
  virtual Expected<void> record_failed_sign_in(std::string_view user, std::int64_t now_ms,
                                               int max_failures, std::int64_t lockout_ms) = 0;
  virtual Expected<void> clear_failed_sign_ins(std::string_view user) = 0;

  // `id_hash`: hex SHA-256 of the session id, never the id itself.
  virtual Expected<void> create_session(std::string_view id_hash, std::string_view user,
                                        std::int64_t expires_ms) = 0;
  // The session, if it exists and has not expired at `now_ms` (an expired one is deleted).
  virtual Expected<std::optional<AdminSession>> session(std::string_view id_hash,
                                                        std::int64_t now_ms) = 0;
  virtual Expected<void> delete_session(std::string_view id_hash) = 0;

  virtual Expected<void> audit(const AuditEntry& entry) = 0;
  // The newest `limit` entries, newest first.
  virtual Expected<std::vector<AuditEntry>> audit_log(int limit) = 0;
};

// `location` as open_portal_store()'s: a PostgreSQL URI or a SQLite file path.
Expected<std::unique_ptr<AdminStore>> open_admin_store(std::string_view location);

}  // namespace shubbak::portal::console
