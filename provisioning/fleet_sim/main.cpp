// shubbak-fleet-sim: simulated kiosks for demos, tests and benchmarks. Each is a real TLS client
// with its own certificate (issued here by the kiosk CA whose key you give) and its own device
// key, sending signed transactions and version 2 heartbeats to a portal (directly or through
// nginx) at the rates you choose, with faults: kiosks going dark, printers out of paper.
// Prints the run's figures as one JSON line on stdout.
// Exit codes: 0 done, 1 failure, 2 bad command line.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "kiosk/core/log.hpp"
#include "provisioning/fleet_sim/fleet.hpp"

int main(int argc, char** argv) {
  using namespace shubbak;
  CLI::App cli{"Shubbak fleet simulator: many kiosks, each a real mutual-TLS client"};
  fleet_sim::FleetOptions o;
  cli.add_option("--portal", o.portal_url, "Portal URL, https://host:port")->required();
  cli.add_option("--server-ca", o.server_ca, "CA of the portal's certificate, PEM")->required();
  cli.add_option("--kiosk-ca", o.kiosk_ca_cert, "Kiosk CA certificate, PEM")->required();
  cli.add_option("--kiosk-ca-key", o.kiosk_ca_key, "Kiosk CA private key, PEM")->required();
  cli.add_option("--state", o.state_dir, "Directory for the kiosks' keys and certificates")
      ->required();
  cli.add_option("--id-prefix", o.id_prefix, "Kiosk ids are PREFIX00000, PREFIX00001, …");
  cli.add_option("--kiosks", o.kiosks, "How many kiosks")->check(CLI::Range(1, 100'000));
  cli.add_option("--tx-rate", o.transactions_per_kiosk_per_second,
                 "Transactions per kiosk per second (0: none)")
      ->check(CLI::Range(0.0, 1000.0));
  cli.add_option("--batch", o.batch, "Transactions per batch")->check(CLI::Range(1, 100));
  int heartbeat_seconds = 60;
  cli.add_option("--heartbeat-seconds", heartbeat_seconds, "Heartbeat interval (0: none)")
      ->check(CLI::Range(0, 3600));
  cli.add_flag("--heartbeats-at-once", o.heartbeats_at_once,
               "Every kiosk's first heartbeat at the start (all reconnecting at once)");
  int seconds = 30;
  cli.add_option("--duration", seconds, "Seconds to run")->check(CLI::Range(1, 86'400));
  cli.add_option("--threads", o.threads, "Sender threads")->check(CLI::Range(1, 1024));
  cli.add_option("--dark", o.dark_share, "Share of kiosks that go dark (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  int dark_after = 10;
  cli.add_option("--dark-after", dark_after, "Seconds before dark kiosks stop talking");
  cli.add_option("--paper-out", o.paper_out_share, "Share of kiosks out of paper (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--paper-low", o.paper_low_share, "Share of kiosks low on paper (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--behind", o.behind_share,
                 "Share of kiosks on an older version of their services (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--clock-skew", o.clock_skew_share,
                 "Share of kiosks whose clock is 12 minutes ahead (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--queue-growing", o.queue_growing_share,
                 "Share of kiosks whose outbox grows and never drains (0 to 1)")
      ->check(CLI::Range(0.0, 1.0));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  o.heartbeat_interval = std::chrono::seconds(heartbeat_seconds);
  o.duration = std::chrono::seconds(seconds);
  o.dark_after = std::chrono::seconds(dark_after);

  Logger logger(LogLevel::info);
  logger.add_sink(make_stderr_sink());
  auto report = fleet_sim::run_fleet(o, Log(logger, "fleet-sim"));
  if (!report) {
    std::fprintf(stderr, "shubbak-fleet-sim: %s\n", report.error().describe().c_str());
    return 1;
  }
  std::printf("%s\n", report->to_json().c_str());
  return 0;
}
