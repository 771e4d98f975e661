#include "provisioning/fleet_sim/simulated_kiosk.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/tls_client_key.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak::fleet_sim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

}  // namespace

Expected<std::unique_ptr<SimulatedKiosk>> SimulatedKiosk::create(
    const std::string& kiosk_id, const std::vector<std::string>& groups, const fs::path& state_dir,
    portal::KioskCa& ca, const std::string& ca_pem, const fs::path& server_ca,
    std::string portal_url, Faults faults) {
  fs::path dir = state_dir / kiosk_id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::io, fmt::format("cannot make {}: {}", dir.string(), ec.message()));
  auto tls_key = TlsClientKey::load_or_create(dir / "tls.key");
  if (!tls_key) return std::unexpected(tls_key.error());
  fs::path chain = dir / "tls.pem";
  fs::path groups_file = dir / "groups";
  std::string joined_groups = fmt::format("{}", fmt::join(groups, " "));
  // A certificate from another run's CA, or for other groups, is issued again by this one.
  if (!fs::exists(chain) || read_file(chain).find(ca_pem) == std::string::npos ||
      read_file(groups_file) != joined_groups) {
    auto request = (*tls_key)->certificate_request(kiosk_id);
    if (!request) return std::unexpected(request.error());
    auto issued = ca.issue(*request, kiosk_id, groups, std::chrono::hours(24 * 30));
    if (!issued) return std::unexpected(issued.error());
    std::ofstream(chain) << *issued;
    std::ofstream(groups_file) << joined_groups;
  }
  if (auto ok = (*tls_key)->check_certificate(read_file(chain), kiosk_id); !ok)
    return fail(Errc::config, fmt::format("{}: {}", kiosk_id, ok.error().message));
  auto kiosk = std::unique_ptr<SimulatedKiosk>(new SimulatedKiosk());
  auto device_key = DeviceKey::load_or_create(dir / "device.key");
  if (!device_key) return std::unexpected(device_key.error());
  auto client = HttpsClient::create(TlsOptions{server_ca, chain, dir / "tls.key"});
  if (!client) return std::unexpected(client.error());
  kiosk->m_id = kiosk_id;
  kiosk->m_portal_url = std::move(portal_url);
  kiosk->m_faults = faults;
  kiosk->m_device_key = std::move(*device_key);
  kiosk->m_client = std::move(*client);
  // A new boot each run: its sequence numbers start above any of an earlier run's.
  kiosk->m_sequence = wall_ms() * 1000;
  kiosk->m_boot_id = fmt::format("sim-{}-{}", kiosk_id, wall_ms());
  return kiosk;
}

Exchange SimulatedKiosk::send_transactions(int count, int attempts) {
  portal_protocol::Batch batch{m_id, base64_encode(m_device_key->public_key()), {}};
  for (int i = 0; i < count; ++i) {
    TransactionRecord record;
    auto id = m_ids.next(wall_ms());
    if (!id) return Exchange{false, 0, 0, {}, id.error().message};
    record.id = *id;
    record.kiosk_id = m_id;
    record.sequence = ++m_sequence;
    record.wall_ms = wall_ms();
    record.boot_id = m_boot_id;
    record.service_id = "jordan.health.appointment";
    record.service_version = "1.0.0";
    record.fields = {{"clinic", "general"}, {"slot", std::to_string(m_sequence % 97)}};
    std::string canonical = canonical_json(record);
    auto signature = m_device_key->sign(canonical);
    if (!signature) return Exchange{false, 0, 0, {}, signature.error().message};
    batch.items.push_back(
        OutboxItem{record.sequence, record.id, canonical, base64_encode(*signature)});
  }
  std::string body = portal_protocol::encode_batch(batch);
  std::string url = m_portal_url + std::string(portal_protocol::k_transactions_path);
  Exchange exchange;
  auto start = Clock::now();
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto reply = m_client->post_json(url, body, std::chrono::seconds(30));
    if (!reply) {
      exchange.error = reply.error().message;
      continue;
    }
    if (reply->status != 200 && reply->status != 422) {
      exchange.error = fmt::format("HTTP {}", reply->status);
      if (reply->status < 500) break;  // refused for good: sending again changes nothing
      continue;
    }
    auto results = portal_protocol::decode_results(reply->body);
    if (!results || results->size() != batch.items.size()) {
      exchange.error = "the portal's reply does not answer for every item";
      continue;
    }
    exchange.ok = true;
    exchange.error.clear();
    for (const auto& result : *results) {
      if (result.outcome == UploadOutcome::rejected) ++exchange.rejected;
      if (result.outcome == UploadOutcome::accepted) ++exchange.accepted;
    }
    break;
  }
  exchange.elapsed = since(start);
  return exchange;
}

Exchange SimulatedKiosk::send_heartbeat(std::chrono::steady_clock::duration uptime) {
  portal_protocol::Heartbeat heartbeat;
  heartbeat.kiosk_id = m_id;
  heartbeat.version = "fleet-sim";
  heartbeat.boot_id = m_boot_id;
  heartbeat.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(uptime).count();
  heartbeat.last_sequence = m_sequence;
  ++m_heartbeats;
  if (m_faults.queue_growing) {
    heartbeat.queue_depth = 3 * m_heartbeats;
    heartbeat.oldest_pending_age_s = heartbeat.uptime_s;
  }
  heartbeat.audit_head_hash = std::string(64, '0');
  // The kiosk's own words for its devices (kiosk/core/device_status.hpp).
  std::string paper = m_faults.paper_out   ? "media-empty"
                      : m_faults.paper_low ? "media-low"
                                           : "online";
  heartbeat.devices = {{"printer", paper},
                       {"store", "online"},
                       {"payment_terminal", "online"},
                       {"card_reader", "online"}};
  if (m_faults.paper_out) heartbeat.out_of_service = "printer_paper_out";
  portal_protocol::FleetTelemetry telemetry;
  telemetry.sent_ms =
      wall_ms() + (m_faults.clock_skewed ? std::chrono::milliseconds(k_skew).count() : 0);
  telemetry.restart_cause = "first start";
  telemetry.free_disk_bytes = 8LL * 1024 * 1024 * 1024;
  // The services shipped in assets/services at their version; one older when behind.
  telemetry.services.generation = m_faults.behind ? 1 : 2;
  telemetry.services.bundles = {{"jordan.health.appointment", m_faults.behind ? "0.9.0" : "1.0.0"},
                                {"muscat.municipality.fees", "1.0.0"}};
  heartbeat.telemetry = telemetry;
  auto start = Clock::now();
  auto reply =
      m_client->post_json(m_portal_url + std::string(portal_protocol::k_heartbeat_path),
                          portal_protocol::encode_heartbeat(heartbeat), std::chrono::seconds(30));
  Exchange exchange;
  exchange.elapsed = since(start);
  if (!reply) {
    exchange.error = reply.error().message;
  } else if (reply->status / 100 != 2) {
    exchange.error = fmt::format("HTTP {}", reply->status);
  } else {
    exchange.ok = true;
  }
  return exchange;
}

}  // namespace shubbak::fleet_sim
