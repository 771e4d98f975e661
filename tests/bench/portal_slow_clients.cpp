// tests/bench/portal_slow_clients: a legitimate kiosk's request times at the real portal (over
// loopback mutual TLS, with the portal's default limits) with no other clients, and then while
// 64 slow clients hold connections (tests/support/slow_clients.hpp: silent TCP, a trickled
// ClientHello, never-ending headers, idle TLS; eight from each of eight loopback addresses,
// connecting again whenever the portal cuts them off). The kiosk posts batches of 10 freshly
// signed records, once on one kept-alive connection and once with a new connection (a full
// TLS handshake) for every request. Prints p50, p99 and the worst for each, and the p99 ratios.
//   portal_slow_clients PORTAL_BINARY [SECONDS_PER_RUN] [SLOW_CLIENTS]
#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/uuid7.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "tests/bench/bench_portal.hpp"
#include "tests/bench/bench_stats.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/slow_clients.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

using namespace shubbak;
using Clock = std::chrono::steady_clock;

using bench_stats::percentile;

namespace {

struct Run {
  std::vector<double> ms;  // each successful request
  int failures = 0;
};

class Kiosk {
 public:
  Kiosk(const DeviceKey& key, TlsOptions tls, std::string url)
      : m_key(key), m_tls(std::move(tls)), m_url(std::move(url) + "/api/v1/transactions") {}

  // Batches for `seconds`, on one connection or a new one for each.
  Run run(int seconds, bool new_connection_each) {
    Run result;
    std::unique_ptr<HttpsClient> client;
    auto end = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < end) {
      std::string body = next_batch();
      if (!client || new_connection_each) client = std::move(*HttpsClient::create(m_tls));
      auto start = Clock::now();
      auto response = client->post_json(m_url, body, std::chrono::seconds(30));
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (response && response->status == 200) {
        result.ms.push_back(ms);
      } else {
        ++result.failures;
        client.reset();
      }
    }
    return result;
  }

 private:
  std::string next_batch() {
    portal_protocol::Batch batch{"bench-kiosk", base64_encode(m_key.public_key()), {}};
    for (int i = 0; i < 10; ++i) {
      TransactionRecord record;
      record.id = *m_ids.next(1'795'000'000'000 + m_sequence);
      record.kiosk_id = "bench-kiosk";
      record.sequence = ++m_sequence;
      record.wall_ms = 1'795'000'000'000 + m_sequence;
      record.boot_id = "bench";
      record.service_id = "jordan.health.appointment";
      record.service_version = "1.0.0";
      record.fields = {{"clinic", "general"}, {"national_id", "9861031236"}};
      std::string canonical = canonical_json(record);
      batch.items.push_back(
          OutboxItem{record.sequence, record.id, canonical, base64_encode(*m_key.sign(canonical))});
    }
    return portal_protocol::encode_batch(batch);
  }

  const DeviceKey& m_key;
  TlsOptions m_tls;
  std::string m_url;
  Uuid7Generator m_ids;
  std::int64_t m_sequence = 0;
};

void report(const char* label, const Run& run) {
  std::printf("  %-34s n=%5zu  p50=%8.2f ms  p99=%8.2f ms  max=%8.2f ms  failures=%d\n", label,
              run.ms.size(), percentile(run.ms, 0.5), percentile(run.ms, 0.99),
              run.ms.empty() ? 0.0 : *std::max_element(run.ms.begin(), run.ms.end()), run.failures);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: portal_slow_clients PORTAL_BINARY [SECONDS_PER_RUN] [SLOW_CLIENTS]\n");
    return 2;
  }
  int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
  std::size_t slow_count = argc > 3 ? static_cast<std::size_t>(std::atoi(argv[3])) : 64;
  testing::BenchPortal portal(argv[1]);
  if (portal.url.empty()) return 1;
  const auto& dir = portal.dir;
  const auto& pki = portal.pki;
  const auto& client_cert = portal.client_cert;
  const std::string& url = portal.url;
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  if (!key) return 1;
  TlsOptions tls{pki.ca_cert(), client_cert.cert, client_cert.key};
  Kiosk kiosk(**key, tls, url);

  std::printf("portal_slow_clients: %s, batches of 10 records, %d s per run\n", argv[1], seconds);
  std::printf("no slow clients:\n");
  Run quiet_kept = kiosk.run(seconds, false);
  report("one kept-alive connection", quiet_kept);
  Run quiet_fresh = kiosk.run(seconds, true);
  report("a new connection per request", quiet_fresh);

  testing::SlowClientOptions slow;
  slow.server.port = std::stoi(url.substr(url.rfind(':') + 1));
  slow.server.ca_file = pki.ca_cert();
  slow.server.client_cert = client_cert.cert;
  slow.server.client_key = client_cert.key;
  for (int a = 0; a < 8; ++a) slow.source_addresses.push_back("127.0.0." + std::to_string(100 + a));
  slow.clients = slow_count;
  slow.step = std::chrono::milliseconds(200);
  Run busy_kept, busy_fresh;
  std::size_t holding_min = SIZE_MAX, holding_max = 0;
  {
    testing::SlowClientSwarm swarm(slow);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // let them all connect
    std::thread watch([&] {
      auto end = Clock::now() + std::chrono::seconds(2 * seconds);
      while (Clock::now() < end) {
        holding_min = std::min(holding_min, swarm.holding());
        holding_max = std::max(holding_max, swarm.holding());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    busy_kept = kiosk.run(seconds, false);
    busy_fresh = kiosk.run(seconds, true);
    watch.join();
    std::printf(
        "%zu slow clients (holding %zu to %zu connections; %zu connections made, %zu cut "
        "off by the portal):\n",
        slow_count, holding_min, holding_max, swarm.connected(), swarm.cut_off());
  }
  report("one kept-alive connection", busy_kept);
  report("a new connection per request", busy_fresh);
  auto ratio = [](const Run& busy, const Run& quiet) {
    double q = percentile(quiet.ms, 0.99);
    return q > 0 ? percentile(busy.ms, 0.99) / q : 0.0;
  };
  std::printf("p99 ratio, slow clients / none: kept-alive %.2f, new connection %.2f\n",
              ratio(busy_kept, quiet_kept), ratio(busy_fresh, quiet_fresh));
  return 0;
}
