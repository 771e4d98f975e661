// shubbak-fleet-sim's fleet: many SimulatedKiosks shared out over a few threads, each thread
// running its kiosks' schedules (a batch of transactions every batch/rate seconds, a heartbeat
// every interval, first ones spread over the interval or all at once), and the figures of the
// run: transactions stored, requests, failures, and latency percentiles.
//
// Threading: run() blocks its caller until the run's duration is over.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak::fleet_sim {

struct FleetOptions {
  std::string portal_url;           // https://host:port, no path
  std::filesystem::path server_ca;  // the CA the portal's (or nginx's) certificate chains to
  std::filesystem::path kiosk_ca_cert;
  std::filesystem::path kiosk_ca_key;
  std::filesystem::path state_dir;  // the kiosks' keys and certificates, kept between runs
  std::string id_prefix = "sim-";
  int kiosks = 10;
  double transactions_per_kiosk_per_second = 0;  // 0: none
  int batch = 10;
  std::chrono::milliseconds heartbeat_interval{60'000};  // 0: none
  bool heartbeats_at_once = false;  // all kiosks' first heartbeat at the start (a reconnect storm)
  std::chrono::seconds duration{30};
  int threads = 16;
  double dark_share = 0;  // kiosks that stop talking after dark_after
  std::chrono::seconds dark_after{10};
  double paper_out_share = 0;  // kiosks whose printer is out of paper
  double paper_low_share = 0;
  double behind_share = 0;         // kiosks on an older version of their services
  double clock_skew_share = 0;     // kiosks whose clock is k_skew ahead
  double queue_growing_share = 0;  // kiosks whose outbox grows and never drains
  int attempts = 5;                // per batch, on transport failures and 5xx
};

struct Percentiles {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

struct FleetReport {
  std::int64_t kiosks = 0;
  double seconds = 0;
  std::int64_t batches = 0;
  std::int64_t transactions_accepted = 0;
  std::int64_t transactions_rejected = 0;
  std::int64_t batches_failed = 0;
  std::int64_t heartbeats = 0;
  std::int64_t heartbeats_failed = 0;
  Percentiles batch_ack;
  Percentiles heartbeat_ack;
  std::string first_error;

  std::string to_json() const;
};

Expected<FleetReport> run_fleet(const FleetOptions& options, Log log);

}  // namespace shubbak::fleet_sim
