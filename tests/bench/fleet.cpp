// The fleet's figures, on this machine, with real servers: nginx (the shipped configuration) in
// front of the portal, on SQLite (one portal) and on PostgreSQL (two portals) side by side, and
// shubbak-fleet-sim's kiosks (real mutual-TLS clients, each its own certificate and key).
//   bench_fleet PORTAL FLEET_SIM [ingest|heartbeats|reconnect|all]
// ingest:     200 kiosks sending batches of 10 as fast as they are due (open loop) for 20 s:
//             transactions stored per second and the batch acknowledgement p99, per backend.
// heartbeats: 5,000 kiosks heartbeating once a minute for 70 s (PostgreSQL): the CPU the
//             portals and nginx used, as a share of one core.
// reconnect:  5,000 kiosks sending their first heartbeat at once: the time until all are in.
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/private_nginx.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

namespace {

using namespace shubbak::testing;
namespace fs = std::filesystem;

std::string g_portal;
std::string g_sim;

// CPU seconds (user + system) of `pid` and its children that still run.
double cpu_seconds(pid_t pid) {
  double total = 0;
  std::vector<pid_t> pids = {pid};
  std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
  for (pid_t child; children >> child;) pids.push_back(child);
  for (pid_t p : pids) {
    std::ifstream stat("/proc/" + std::to_string(p) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    std::vector<std::string> values;
    while (fields >> field) values.push_back(field);
    if (values.size() > 13)
      total += (std::stod(values[11]) + std::stod(values[12])) /
               static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  return total;
}

// nginx and `portals` portal processes on `db`, with a PKI the simulator shares.
class Site {
 public:
  Site(const std::string& db, int portals) : m_pki(m_dir.path(), "kiosk") {
    m_pki.issue_server("server");
    for (int n = 1; n <= portals; ++n) {
      fs::path out = m_dir / ("portal-" + std::to_string(n) + "-out");
      fs::create_directories(out);
      auto portal = std::make_unique<ChildProcess>(
          std::vector<std::string>{g_portal, "--gateway-socket",
                                   (m_dir / ("portal-" + std::to_string(n) + ".sock")).string(),
                                   "--client-ca", m_pki.ca_cert().string(), "--db", db},
          out);
      for (int i = 0; i < 1000 && portal->stdout_text().find("gateway socket") == std::string::npos;
           ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      m_portals.push_back(std::move(portal));
    }
    // The shipped configuration names two portals: with one, both names are the same socket.
    if (portals == 1) fs::create_symlink(m_dir / "portal-1.sock", m_dir / "portal-2.sock");
    // Every simulated kiosk comes from 127.0.0.1: the per-address limit is lifted here.
    m_nginx = std::make_unique<PrivateNginx>(
        NginxSite{m_dir.path(),
                  fs::path(SHUBBAK_SOURCE_DIR) / "provisioning/nginx/shubbak-portal.conf", 60'000});
  }

  nlohmann::json simulate(const std::vector<std::string>& extra, const fs::path& state) {
    std::vector<std::string> args = {g_sim,
                                     "--portal",
                                     m_nginx->url(),
                                     "--server-ca",
                                     m_pki.ca_cert().string(),
                                     "--kiosk-ca",
                                     m_pki.ca_cert().string(),
                                     "--kiosk-ca-key",
                                     m_pki.ca_key().string(),
                                     "--state",
                                     state.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    fs::path out = m_dir / "sim-out";
    fs::create_directories(out);
    ChildProcess sim(args, out);
    if (sim.wait(std::chrono::minutes(20)) != 0) {
      std::fprintf(stderr, "fleet-sim failed: %s\n", sim.stderr_text().c_str());
      return {};
    }
    return nlohmann::json::parse(sim.stdout_text());
  }

  double cpu_seconds_used() const {
    double total = cpu_seconds(m_nginx->pid());
    for (const auto& portal : m_portals) total += cpu_seconds(portal->pid());
    return total;
  }
  double portal_cpu_seconds() const {
    double total = 0;
    for (const auto& portal : m_portals) total += cpu_seconds(portal->pid());
    return total;
  }

 private:
  TempDir m_dir;
  TestPki m_pki;
  std::vector<std::unique_ptr<ChildProcess>> m_portals;
  std::unique_ptr<PrivateNginx> m_nginx;
};

// CPU seconds of this process's children that have ended and been waited for (the simulator).
double ended_children_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void ingest(PrivatePostgres& postgres, const TempDir& state) {
  std::map<std::string, nlohmann::json> results;
  for (std::string backend : {"sqlite", "postgresql"}) {
    TempDir dir;
    std::string db =
        backend == "sqlite" ? (dir / "portal.db").string() : postgres.create_database("ingest");
    Site site(db, backend == "sqlite" ? 1 : 2);
    double site_before = site.cpu_seconds_used();
    double postgres_before = cpu_seconds(postgres.pid());
    double sim_before = ended_children_cpu_seconds();
    // 200 kiosks offering 20 transactions a second each (4,000/s): more than either stores, so
    // the figure is what the backend sustains.
    auto report =
        site.simulate({"--kiosks", "200", "--tx-rate", "20", "--batch", "10", "--heartbeat-seconds",
                       "60", "--duration", "20", "--threads", "64", "--id-prefix", "ingest-"},
                      state / "ingest");
    results[backend] = report;
    std::printf("ingest %-10s %s\n", backend.c_str(), report.dump().c_str());
    // Where the two cores went: the simulated kiosks (the load, signing and TLS on their side),
    // nginx and the portals, and PostgreSQL. The transactions per CPU second of the server side
    // say what the same software does where the load comes from elsewhere.
    double seconds = report.value("seconds", 1.0);
    double server = site.cpu_seconds_used() - site_before;
    double database = backend == "postgresql" ? cpu_seconds(postgres.pid()) - postgres_before : 0;
    double sim = ended_children_cpu_seconds() - sim_before;
    double stored = report.value("transactions_per_second", 0.0) * seconds;
    std::printf(
        "ingest %-10s cores used: simulator %.2f, nginx + portals %.2f, PostgreSQL %.2f; "
        "%.0f transactions per server-side CPU second\n",
        backend.c_str(), sim / seconds, server / seconds, database / seconds,
        server + database > 0 ? stored / (server + database) : 0.0);
  }
  double sqlite = results["sqlite"].value("transactions_per_second", 0.0);
  double pg = results["postgresql"].value("transactions_per_second", 0.0);
  std::printf("ingest: PostgreSQL/SQLite throughput ratio %.2f (%.0f vs %.0f tx/s)\n",
              sqlite > 0 ? pg / sqlite : 0.0, pg, sqlite);
}

void heartbeats(PrivatePostgres& postgres, const TempDir& state) {
  Site site(postgres.create_database("heartbeats"), 2);
  // The kiosks' keys and certificates first (kept in `state`), so the run measures heartbeats.
  site.simulate(
      {"--kiosks", "5000", "--heartbeat-seconds", "0", "--duration", "1", "--id-prefix", "fleet-"},
      state / "fleet");
  double before = site.cpu_seconds_used();
  double portals_before = site.portal_cpu_seconds();
  auto report = site.simulate({"--kiosks", "5000", "--heartbeat-seconds", "60", "--duration", "70",
                               "--threads", "32", "--id-prefix", "fleet-"},
                              state / "fleet");
  double used = site.cpu_seconds_used() - before;
  double portals = site.portal_cpu_seconds() - portals_before;
  double seconds = report.value("seconds", 1.0);
  std::printf("heartbeats 5000 kiosks/60 s: %s\n", report.dump().c_str());
  std::printf(
      "heartbeats: portals %.1f%% of one core, portals + nginx %.1f%% (%.1f s CPU in %.1f s)\n",
      100.0 * portals / seconds, 100.0 * used / seconds, used, seconds);
}

void reconnect(PrivatePostgres& postgres, const TempDir& state) {
  Site site(postgres.create_database("reconnect"), 2);
  site.simulate(
      {"--kiosks", "5000", "--heartbeat-seconds", "0", "--duration", "1", "--id-prefix", "fleet-"},
      state / "fleet");
  auto report =
      site.simulate({"--kiosks", "5000", "--heartbeat-seconds", "3600", "--heartbeats-at-once",
                     "--duration", "600", "--threads", "64", "--id-prefix", "fleet-"},
                    state / "fleet");
  std::printf("reconnect 5000 kiosks at once: %s\n", report.dump().c_str());
  std::printf("reconnect: all 5000 first heartbeats in %.1f s, %lld failed\n",
              report.value("seconds", 0.0),
              static_cast<long long>(report.value("heartbeats_failed", std::int64_t{0})));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_fleet PORTAL FLEET_SIM [ingest|heartbeats|reconnect|all]\n");
    return 2;
  }
  g_portal = argv[1];
  g_sim = argv[2];
  std::string what = argc > 3 ? argv[3] : "all";
  PrivatePostgres postgres(/*fsync=*/true);
  TempDir state;
  if (what == "ingest" || what == "all") ingest(postgres, state);
  if (what == "heartbeats" || what == "all") heartbeats(postgres, state);
  if (what == "reconnect" || what == "all") reconnect(postgres, state);
  return 0;
}
