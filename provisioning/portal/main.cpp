// shubbak-portal: the reference portal. Receives kiosks' transactions and heartbeats over
// mutual TLS and serves the service repository as static files. Exit codes: 0 clean stop
// (SIGTERM/SIGINT), 1 failure, 2 bad command line.
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "kiosk/core/log.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Shubbak reference portal: transactions, heartbeats and the service repository over mutual "
      "TLS"};
  portal::ServerOptions options;
  std::string database = "portal.db";
  cli.add_option("--listen", options.host, "Address to listen on (default 127.0.0.1)");
  cli.add_option("--port", options.port, "Port (default 8443; 0 picks a free one)");
  cli.add_option("--cert", options.cert, "Server certificate, PEM")->required();
  cli.add_option("--key", options.key, "Server private key, PEM")->required();
  cli.add_option("--client-ca", options.client_ca, "CA that issues kiosk client certificates, PEM")
      ->required();
  cli.add_option("--db", database, "SQLite database (default portal.db)");
  cli.add_option("--static", options.static_dir,
                 "Directory served under /repository/ (the TUF repository)");
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
  auto store = portal::PortalStore::open(database, log.child("store"));
  if (!store) {
    log.error("{}", store.error().describe());
    return 1;
  }
  auto server = portal::PortalServer::start(options, **store, log);
  if (!server) {
    log.error("{}", server.error().describe());
    return 1;
  }
  // Tests and scripts read the port from this line.
  std::printf("listening on https://%s:%d\n", options.host.c_str(), (*server)->port());
  std::fflush(stdout);
  int signal = wait_for_stop_signal();
  log.info("stopping on {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->stop();
  return 0;
}
