// shubbak-portal: the reference portal. Receives kiosks' transactions and heartbeats over
// mutual TLS, enrols new kiosks, and serves the service repository as static files.
// `shubbak-portal issue-token --db DB --kiosk-id ID [--group NAME]…` prints a one-time
// enrolment token, which enrols the kiosk into those groups.
// `shubbak-portal admin add --db DB --user NAME --role viewer|operator` makes a console account.
// With --console-port the admin console (console/console_server.hpp) is served too.
// Exit codes: 0 clean stop (SIGTERM/SIGINT) or done, 1 failure, 2 bad command line.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "kiosk/core/log.hpp"
#include "provisioning/portal/console/admin_command.hpp"
#include "provisioning/portal/console/console_server.hpp"
#include "provisioning/portal/portal_server.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace {

using namespace shubbak;

int wait_for_stop_signal() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  int received = 0;
  sigwait(&stop_signals, &received);
  return received;
}

int print_enrolment_token(const std::string& database, const std::string& kiosk_id, int hours,
                          const std::vector<std::string>& groups) {
  Logger logger(LogLevel::warn);
  logger.add_sink(make_stderr_sink());
  auto store = portal::open_portal_store(database, Log(logger, "store"));
  if (!store) {
    std::fprintf(stderr, "shubbak-portal: %s\n", store.error().describe().c_str());
    return 1;
  }
  auto token = (*store)->issue_enrolment_token(kiosk_id, std::chrono::hours(hours), groups);
  if (!token) {
    std::fprintf(stderr, "shubbak-portal: %s\n", token.error().describe().c_str());
    return 1;
  }
  // Only the token on stdout, for scripts; it is shown once and stored only as a hash.
  std::printf("%s\n", token->c_str());
  std::fprintf(stderr, "enrolment token for kiosk %s%s%s, valid for %d hours, usable once\n",
               kiosk_id.c_str(), groups.empty() ? "" : " in groups ",
               fmt::format("{}", fmt::join(groups, ", ")).c_str(), hours);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Shubbak reference portal: transactions, heartbeats and the service repository over mutual "
      "TLS"};
  portal::ServerOptions options;
  std::string database = "portal.db";
  cli.add_option("--listen", options.host, "Address to listen on (default 127.0.0.1)");
  cli.add_option("--port", options.port, "Port (default 8443; 0 picks a free one)");
  cli.add_option("--cert", options.cert, "Server certificate, PEM (required to serve)");
  cli.add_option("--key", options.key, "Server private key, PEM (required to serve)");
  cli.add_option("--client-ca", options.client_ca,
                 "CA that issues kiosk client certificates, PEM (required to serve)");
  cli.add_option("--client-ca-key", options.client_ca_key,
                 "The client CA's private key, PEM: enables enrolment (POST /api/v1/enroll)");
  cli.add_option("--certificate-days", options.certificate_days,
                 "Lifetime of a kiosk certificate issued at enrolment (default 365)")
      ->check(CLI::Range(1, 3650));
  cli.add_option("--db", database,
                 "Database: a SQLite file (default portal.db) or a PostgreSQL URI "
                 "(postgresql://…) that several portal processes may share");
  std::string token_kiosk_id;
  int token_hours = 24;
  auto* issue_token = cli.add_subcommand(
      "issue-token", "Print a one-time enrolment token for a kiosk id (stored hashed)");
  issue_token->add_option("--kiosk-id", token_kiosk_id, "The kiosk id the token enrols")
      ->required();
  std::vector<std::string> token_groups;
  issue_token->add_option("--group", token_groups,
                          "A group the kiosk joins (site:…, region:…, pilot…); repeat for more. "
                          "Bound in its certificate: only a new enrolment changes them");
  issue_token->add_option("--hours", token_hours, "Hours until the token expires (default 24)")
      ->check(CLI::Range(1, 24 * 30));
  issue_token->add_option("--db", database,
                          "Database: a SQLite file (default portal.db) or a PostgreSQL URI");
  cli.add_option("--gateway-socket", options.gateway_socket,
                 "Behind nginx: serve plain HTTP on this Unix socket (mode 0660), trusting the "
                 "client certificate nginx verified and forwards (see provisioning/nginx)");
  std::string admin_user;
  std::string admin_role = "viewer";
  auto* admin = cli.add_subcommand("admin", "Admin accounts of the console");
  admin->require_subcommand(1);
  auto* admin_add = admin->add_subcommand(
      "add",
      "Add an admin account; the password is read from stdin, or made and printed once "
      "when stdin is a terminal or empty");
  admin_add->add_option("--user", admin_user, "The admin's user name")->required();
  admin_add->add_option("--role", admin_role, "viewer or operator (default viewer)")
      ->check(CLI::IsMember({"viewer", "operator"}));
  admin_add->add_option("--db", database,
                        "Database: a SQLite file (default portal.db) or a PostgreSQL URI");
  std::optional<int> console_port;
  portal::console::ConsoleOptions console_options;
  cli.add_option("--console-port", console_port,
                 "Serve the admin console over HTTPS on this port (0: any free one; none: no "
                 "console)")
      ->check(CLI::Range(0, 65535));
  cli.add_option("--console-listen", console_options.host,
                 "Address the console listens on (default 127.0.0.1: admins reach it through a "
                 "tunnel or a proxy even when kiosks reach the portal on another address)");
  cli.add_option_function<int>(
         "--console-offline-seconds",
         [&](int s) { console_options.health.offline_after = std::chrono::seconds(s); },
         "A kiosk is red after this long without a heartbeat (default 300)")
      ->check(CLI::Range(1, 86400));
  cli.add_option_function<int>(
         "--console-clock-skew-seconds",
         [&](int s) { console_options.alerts.clock_skew_after = std::chrono::seconds(s); },
         "Alert when a kiosk's clock is off the portal's by more than this (default 120)")
      ->check(CLI::Range(1, 86400));
  cli.add_option("--console-queue-rises", console_options.alerts.queue_rises_after,
                 "Alert when a kiosk's outbox grew at this many heartbeats in a row (default 3)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--console-refresh-seconds", console_options.refresh_seconds,
                 "The fleet board reloads itself this often (default 15)")
      ->check(CLI::Range(1, 3600));
  cli.add_option("--static", options.static_dir,
                 "Directory served under /repository/ (the TUF repository)");
  auto& limits = options.limits;
  cli.add_option("--max-connections", limits.max_connections,
                 "Connections open at once, from all clients (default 256; at most 900, so "
                 "every socket stays below select()'s FD_SETSIZE inside cpp-httplib)")
      ->check(CLI::Range(1, 900));
  cli.add_option("--max-connections-per-address", limits.max_connections_per_address,
                 "Connections open at once from one client address (default 16; kiosks behind "
                 "one NAT share an address)")
      ->check(CLI::Range(1, 900));
  auto milliseconds = [&](const char* name, std::chrono::milliseconds& value, const char* what) {
    cli.add_option_function<std::int64_t>(
           name, [&value](std::int64_t ms) { value = std::chrono::milliseconds(ms); },
           fmt::format("{} in ms (default {})", what, value.count()))
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000}));
  };
  milliseconds("--handshake-timeout-ms", limits.handshake_timeout,
               "Time from accepting a connection to the end of its TLS handshake");
  milliseconds("--header-timeout-ms", limits.header_timeout,
               "Time from a request's first byte to the end of its headers");
  milliseconds("--body-timeout-ms", limits.body_timeout,
               "Time from the end of a request's headers to the end of its body");
  milliseconds("--idle-timeout-ms", limits.idle_timeout,
               "Time a connection may wait for its next request");
  milliseconds("--write-timeout-ms", limits.write_timeout, "Time for each write of a reply");
  cli.add_option("--drop-replies-after-commit", options.drop_replies_after_commit,
                 "Testing: cut off the reply to the first N committed batches");
  cli.add_option("--reply-delay-ms", options.reply_delay_ms,
                 "Testing: wait this long between commit and reply");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (issue_token->parsed())
    return print_enrolment_token(database, token_kiosk_id, token_hours, token_groups);
  if (admin_add->parsed())
    return portal::console::add_admin_account(database, admin_user, admin_role);
  bool tls_listener = !options.cert.empty() || !options.key.empty();
  if (options.client_ca.empty() || (!tls_listener && options.gateway_socket.empty()) ||
      (tls_listener && (options.cert.empty() || options.key.empty()))) {
    std::fprintf(stderr,
                 "shubbak-portal: --client-ca is required, with --cert and --key (to serve TLS "
                 "itself), --gateway-socket (behind nginx), or both\n");
    return 2;
  }

  // Blocked before any thread starts, so only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Logger logger(LogLevel::info);
  logger.add_sink(make_stderr_sink());
  Log log(logger, "portal");
  auto store = portal::open_portal_store(database, log.child("store"));
  if (!store) {
    log.error("{}", store.error().describe());
    return 1;
  }
  auto server = portal::PortalServer::start(options, **store, log);
  if (!server) {
    log.error("{}", server.error().describe());
    return 1;
  }
  // Tests and scripts read the port and the socket from these lines.
  if (tls_listener)
    std::printf("listening on https://%s:%d\n", options.host.c_str(), (*server)->port());
  if (!options.gateway_socket.empty())
    std::printf("gateway socket %s\n", options.gateway_socket.c_str());
  std::unique_ptr<portal::console::AdminStore> admins;
  std::unique_ptr<portal::console::ConsoleServer> console;
  if (console_port && !tls_listener) {
    // Behind nginx only, the portal has no certificate of its own to serve the console with.
    log.error("--console-port needs --cert and --key: the console is served over HTTPS");
    return 2;
  }
  if (console_port) {
    auto opened = portal::console::open_admin_store(database);
    if (!opened) {
      log.error("{}", opened.error().describe());
      return 1;
    }
    admins = std::move(*opened);
    console_options.port = *console_port;
    console_options.cert = options.cert;
    console_options.key = options.key;
    console_options.client_ca = options.client_ca;
    console_options.published_dir = options.static_dir;
    auto started = portal::console::ConsoleServer::start(console_options, **store, *admins,
                                                         log.child("console"));
    if (!started) {
      log.error("{}", started.error().describe());
      return 1;
    }
    console = std::move(*started);
    std::printf("console on https://%s:%d\n", console_options.host.c_str(), console->port());
  }
  std::fflush(stdout);
  int signal = wait_for_stop_signal();
  log.info("stopping on {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  if (console) console->stop();
  (*server)->stop();
  return 0;
}
