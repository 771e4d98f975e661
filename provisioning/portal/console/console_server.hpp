// The admin console's HTTPS server: its own port, the portal's server certificate, no client
// certificate asked for (admins sign in with a password). Serves the pages of
// console_pages.hpp over the portal's store (read-only, and enrolment tokens) and the console's
// own AdminStore (accounts, sessions, the audit log).
//
// Security: no page but sign-in without a session (a GET is sent to sign in with 303, anything
// else refused with 401); session ids are 32 random bytes, stored as their SHA-256, in a
// `__Host-` cookie that is Secure, HttpOnly and SameSite=Strict and expires; every POST but the
// sign-in carries a CSRF token derived from the session id, compared in constant time; an
// account is locked for a while after max_failed_sign_ins failures in a row; every admin action
// goes to the audit log. Replies carry a strict Content-Security-Policy: no script at all, the
// one inline style sheet by its hash, nothing from elsewhere.
//
// Connections, TLS and their limits are ConnectionServer's, as for the kiosk API.
//
// Threading: start() and stop() from one thread; requests are served on the server's threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "provisioning/portal/connection_server.hpp"
#include "provisioning/portal/console/admin_store.hpp"
#include "provisioning/portal/console/fleet_alerts.hpp"
#include "provisioning/portal/console/fleet_health.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal::console {

struct ConsoleOptions {
  std::string host = "127.0.0.1";
  int port = 8444;                  // 0: any free port
  std::filesystem::path cert;       // the portal's server certificate (PEM)
  std::filesystem::path key;        // its private key
  std::filesystem::path client_ca;  // the kiosk CA (the TLS context needs one; never required)
  HealthRules health;
  AlertRules alerts;                    // its offline_after is health's
  std::filesystem::path published_dir;  // the portal's --static tree; empty: none published
  int refresh_seconds = 15;             // the fleet board reloads itself this often
  std::chrono::minutes session_lifetime{8 * 60};
  int max_failed_sign_ins = 5;
  std::chrono::seconds lockout{15 * 60};
  ConnectionLimits limits;
};

class ConsoleServer final {
 public:
  static Expected<std::unique_ptr<ConsoleServer>> start(ConsoleOptions options, PortalStore& portal,
                                                        AdminStore& admins, Log log);
  ~ConsoleServer();  // stop()
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  int port() const;
  void stop();

 private:
  struct Impl;
  explicit ConsoleServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak::portal::console
