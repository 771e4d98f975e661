// One simulated kiosk of shubbak-fleet-sim: its own identity (kiosk id, TLS client key and a
// certificate issued by the kiosk CA, Ed25519 device key, kept in a state directory so a second
// run is the same kiosk), its own HTTPS client, and what it sends: signed transactions in
// batches and heartbeats (version 2) with the faults it was given.
//
// Threading: one thread at a time (the fleet gives each kiosk to one of its threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/uuid7.hpp"
#include "provisioning/portal/kiosk_ca.hpp"

namespace shubbak::fleet_sim {

// A kiosk's faults, fixed for a run.
struct Faults {
  bool dark = false;  // stops talking to the portal after `dark_after`
  std::chrono::seconds dark_after{0};
  bool paper_out = false;  // its printer reports paper_out (else paper_low for some, else online)
  bool paper_low = false;
  bool behind = false;         // runs an older version of its services than the others
  bool clock_skewed = false;   // its clock is k_skew ahead of the portal's
  bool queue_growing = false;  // its outbox grows and never drains (an upload it cannot make)
};

// How far a clock_skewed kiosk's clock is ahead.
inline constexpr std::chrono::minutes k_skew{12};

// What one request cost and how it ended.
struct Exchange {
  bool ok = false;            // the portal answered for every item (or took the heartbeat)
  std::int64_t accepted = 0;  // transactions newly stored
  std::int64_t rejected = 0;
  std::chrono::microseconds elapsed{0};
  std::string error;  // when not ok
};

class SimulatedKiosk {
 public:
  // Makes the kiosk's keys and certificate (binding `groups`) under `state_dir/<kiosk_id>/`
  // when missing (the certificate also when `ca_pem`, the kiosk CA's certificate, did not issue
  // it, or for other groups).
  static Expected<std::unique_ptr<SimulatedKiosk>> create(
      const std::string& kiosk_id, const std::vector<std::string>& groups,
      const std::filesystem::path& state_dir, portal::KioskCa& ca, const std::string& ca_pem,
      const std::filesystem::path& server_ca, std::string portal_url, Faults faults);

  const std::string& id() const { return m_id; }
  const Faults& faults() const { return m_faults; }

  // Sends `count` new transactions (free health-centre appointments, signed) as one batch; the
  // same batch again on a transport failure or a 5xx, at most `attempts` times.
  Exchange send_transactions(int count, int attempts);
  Exchange send_heartbeat(std::chrono::steady_clock::duration uptime);

 private:
  SimulatedKiosk() = default;

  std::string m_id;
  std::string m_portal_url;
  Faults m_faults;
  std::unique_ptr<DeviceKey> m_device_key;
  std::unique_ptr<HttpsClient> m_client;
  Uuid7Generator m_ids;
  std::int64_t m_sequence = 0;
  std::string m_boot_id;
  int m_heartbeats = 0;
};

}  // namespace shubbak::fleet_sim
