// The admin console's fleet board and alerts at fleet size: 5,000 kiosks with a version 2
// heartbeat each (groups, devices, installed services; a tenth with faults), on SQLite and on
// PostgreSQL side by side. Reports the server's time for one board page and one alerts page
// (reading every kiosk from the store, judging each and rendering the HTML: the first page of
// the board, the worst kiosks first), median, p99 and max over repeated requests, and the
// page's size.
//   bench_console_board [KIOSKS] [REQUESTS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "kiosk/core/log.hpp"
#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/console/decoded_heartbeats.hpp"
#include "provisioning/portal/console/fleet_alerts.hpp"
#include "provisioning/portal/console/fleet_health.hpp"
#include "provisioning/portal/portal_store.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::portal;
using namespace shubbak::portal::console;
using Clock = std::chrono::steady_clock;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

portal_protocol::Heartbeat heartbeat_of(int index) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-" + std::to_string(100000 + index);
  h.version = index % 10 == 0 ? "1.3.0" : "1.4.0";
  h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  h.uptime_s = 3600;
  h.queue_depth = index % 7;
  h.quarantined = index % 97 == 0 ? 1 : 0;
  h.audit_head_hash = std::string(64, '0');
  h.devices = {{"printer", index % 20 == 0 ? "media-empty" : "online"},
               {"card_reader", "online"},
               {"payment_terminal", "online"},
               {"scanner", "not-installed"}};
  if (index % 20 == 0) h.out_of_service = "printer_paper_out";
  portal_protocol::FleetTelemetry t;
  t.sent_ms = unix_ms() + (index % 50 == 0 ? 600'000 : 0);
  t.restart_cause = "clean stop";
  t.free_disk_bytes = 8LL << 30;
  t.services.generation = 2;
  t.services.bundles = {{"jordan.health.appointment", index % 10 == 0 ? "1.0.0" : "1.1.0"},
                        {"muscat.municipality.fees", "1.0.0"}};
  h.telemetry = t;
  return h;
}

std::vector<std::string> groups_of(int index) {
  return {"site:site-" + std::to_string(index % 250),
          "region:region-" + std::to_string(index % 12)};
}

struct Timing {
  double median_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t bytes = 0;
};

template <class Work>
Timing time_requests(int requests, Work work) {
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < requests; ++i) {
    auto start = Clock::now();
    bytes = work();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
  };
  return Timing{at(0.5), at(0.99), ms.back(), bytes};
}

void run(const std::string& name, PortalStore& store, int kiosks, int requests) {
  auto fill_start = Clock::now();
  for (int i = 0; i < kiosks; ++i) {
    auto beat = heartbeat_of(i);
    if (auto ok = store.record_heartbeat(beat.kiosk_id, groups_of(i), beat); !ok) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), ok.error().describe().c_str());
      std::exit(1);
    }
  }
  double fill_s = std::chrono::duration<double>(Clock::now() - fill_start).count();
  const std::map<std::string, std::string> published = {{"jordan.health.appointment", "1.1.0"},
                                                        {"muscat.municipality.fees", "1.0.0"}};
  PageContext context;
  context.user = "bench";
  // As the console does: each heartbeat decoded once, kept until the kiosk sends another. The
  // first request decodes all of them ("cold"); a refresh finds them decoded.
  DecodedHeartbeats decoded;
  auto fleet = [&] {
    auto snapshots = store.kiosks();
    if (!snapshots) std::exit(1);
    std::int64_t now = unix_ms();
    context.now_ms = now;
    std::vector<KioskHealth> health;
    health.reserve(snapshots->size());
    for (const auto& s : *snapshots) {
      auto heartbeat = decoded.of(s);
      health.push_back(assess(s, heartbeat.get(), now, HealthRules{}));
    }
    return std::pair{std::move(*snapshots), std::move(health)};
  };
  auto cold = time_requests(1, [&] {
    auto [snapshots, health] = fleet();
    return render_board(context, health, BoardFilter{}, 15).size();
  });
  auto read = time_requests(requests, [&] {
    auto snapshots = store.kiosks();
    return snapshots ? snapshots->size() : 0;
  });
  auto judged = time_requests(requests, [&] { return fleet().second.size(); });
  auto board = time_requests(requests, [&] {
    auto [snapshots, health] = fleet();
    return render_board(context, health, BoardFilter{}, 15).size();
  });
  auto filtered = time_requests(requests, [&] {
    auto [snapshots, health] = fleet();
    BoardFilter filter;
    filter.site = "site:site-7";
    return render_board(context, health, filter, 15).size();
  });
  auto alerts = time_requests(requests, [&] {
    auto [snapshots, health] = fleet();
    auto list = fleet_alerts(snapshots, health, published, context.now_ms, AlertRules{});
    return render_alerts(context, list, std::nullopt, "", 15).size();
  });
  auto show = [&](const char* page, const Timing& t) {
    std::printf("%-10s %-16s median %7.1f ms  p99 %7.1f ms  max %7.1f ms  page %zu KiB\n",
                name.c_str(), page, t.median_ms, t.p99_ms, t.max_ms, t.bytes / 1024);
  };
  std::printf("%-10s %d kiosks stored in %.1f s\n", name.c_str(), kiosks, fill_s);
  show("board, cold", cold);
  show("store read", read);
  show("read + judge", judged);
  show("board", board);
  show("board one site", filtered);
  show("alerts", alerts);
}

}  // namespace

int main(int argc, char** argv) {
  int kiosks = argc > 1 ? std::atoi(argv[1]) : 5000;
  int requests = argc > 2 ? std::atoi(argv[2]) : 30;
  Logger logger(LogLevel::error);
  testing::TempDir dir;
  {
    auto store = open_portal_store((dir.path() / "portal.db").string(), Log(logger, "store"));
    if (!store) return 1;
    run("SQLite", **store, kiosks, requests);
  }
  testing::PrivatePostgres postgres(/*fsync=*/true);
  auto store = open_portal_store(postgres.create_database("board"), Log(logger, "store"));
  if (!store) return 1;
  run("PostgreSQL", **store, kiosks, requests);
  std::printf("aim: the board's server time under 200 ms at 5,000 kiosks\n");
  return 0;
}
