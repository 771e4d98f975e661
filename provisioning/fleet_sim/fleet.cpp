#include "provisioning/fleet_sim/fleet.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "provisioning/fleet_sim/simulated_kiosk.hpp"

namespace shubbak::fleet_sim {

namespace {

using Clock = std::chrono::steady_clock;

// Whether kiosk `index` is among the `share` of the fleet picked for a fault: the same kiosks on
// every run, and independent picks per `salt` (each fault falls on its own kiosks, not all on
// the same few). The position is splitmix64 of the index and the salt, a well-mixed hash.
bool picked(int index, double share, int salt) {
  if (share <= 0) return false;
  std::uint64_t x = (static_cast<std::uint64_t>(salt) << 32) ^ static_cast<std::uint64_t>(index);
  x += 0x9e3779b97f4a7c15u;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  x ^= x >> 31;
  return static_cast<double>(x % 10'000) < share * 10'000;
}

// The groups kiosk `index` is enrolled in: a site and its region, taken in turn from a few real
// places so that the console's filters have something to filter, and every twentieth kiosk in
// the pilot group.
std::vector<std::string> groups_of(int index) {
  struct Site {
    std::string_view site, region;
  };
  constexpr Site k_sites[] = {
      {"site:riyadh-olaya", "region:riyadh"},       {"site:riyadh-malaz", "region:riyadh"},
      {"site:jeddah-corniche", "region:makkah"},    {"site:amman-abdali", "region:amman"},
      {"site:muscat-ruwi", "region:muscat"},        {"site:dubai-deira", "region:dubai"},
      {"site:remote-knowledge-1", "region:remote"},
  };
  const Site& site = k_sites[static_cast<std::size_t>(index) % std::size(k_sites)];
  std::vector<std::string> groups{std::string(site.site), std::string(site.region)};
  if (index % 20 == 0) groups.emplace_back("pilot");
  return groups;
}

Percentiles percentiles(std::vector<std::int64_t> micros) {
  Percentiles p;
  if (micros.empty()) return p;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    auto index = static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1));
    return static_cast<double>(micros[index]) / 1000.0;
  };
  p.p50_ms = at(0.50);
  p.p99_ms = at(0.99);
  p.max_ms = static_cast<double>(micros.back()) / 1000.0;
  return p;
}

struct Event {
  Clock::time_point at;
  std::size_t kiosk;
  bool heartbeat;
  bool operator>(const Event& other) const { return at > other.at; }
};

struct ThreadFigures {
  std::vector<std::int64_t> batch_micros;
  std::vector<std::int64_t> heartbeat_micros;
  FleetReport counts;
};

}  // namespace

std::string FleetReport::to_json() const {
  auto p = [](const Percentiles& x) {
    return nlohmann::json{{"p50_ms", x.p50_ms}, {"p99_ms", x.p99_ms}, {"max_ms", x.max_ms}};
  };
  return nlohmann::json{{"kiosks", kiosks},
                        {"seconds", seconds},
                        {"batches", batches},
                        {"transactions_accepted", transactions_accepted},
                        {"transactions_rejected", transactions_rejected},
                        {"transactions_per_second",
                         seconds > 0 ? static_cast<double>(transactions_accepted) / seconds : 0},
                        {"batches_failed", batches_failed},
                        {"heartbeats", heartbeats},
                        {"heartbeats_failed", heartbeats_failed},
                        {"batch_ack", p(batch_ack)},
                        {"heartbeat_ack", p(heartbeat_ack)},
                        {"first_error", first_error}}
      .dump();
}

Expected<FleetReport> run_fleet(const FleetOptions& options, Log log) {
  if (options.kiosks < 1 || options.threads < 1 || options.batch < 1)
    return fail(Errc::invalid_argument, "kiosks, threads and batch must be at least 1");
  auto ca = portal::KioskCa::open(options.kiosk_ca_cert, options.kiosk_ca_key);
  if (!ca) return std::unexpected(ca.error());
  std::string ca_pem;
  {
    std::ifstream in(options.kiosk_ca_cert);
    ca_pem.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::vector<std::unique_ptr<SimulatedKiosk>> kiosks;
  kiosks.reserve(static_cast<std::size_t>(options.kiosks));
  for (int i = 0; i < options.kiosks; ++i) {
    Faults faults;
    faults.dark = picked(i, options.dark_share, 1);
    faults.dark_after = options.dark_after;
    faults.paper_out = picked(i, options.paper_out_share, 2);
    faults.paper_low = !faults.paper_out && picked(i, options.paper_low_share, 3);
    faults.behind = picked(i, options.behind_share, 4);
    faults.clock_skewed = picked(i, options.clock_skew_share, 5);
    faults.queue_growing = picked(i, options.queue_growing_share, 6);
    auto kiosk = SimulatedKiosk::create(fmt::format("{}{:05}", options.id_prefix, i), groups_of(i),
                                        options.state_dir, **ca, ca_pem, options.server_ca,
                                        options.portal_url, faults);
    if (!kiosk) return std::unexpected(kiosk.error());
    kiosks.push_back(std::move(*kiosk));
  }
  log.info("{} kiosks ready; running for {} s", kiosks.size(), options.duration.count());

  const auto start = Clock::now();
  const auto end = start + options.duration;
  const bool transactions = options.transactions_per_kiosk_per_second > 0;
  const auto batch_every =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
          transactions ? options.batch / options.transactions_per_kiosk_per_second : 0));
  const bool heartbeats = options.heartbeat_interval.count() > 0;
  std::vector<ThreadFigures> figures(static_cast<std::size_t>(options.threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] {
      ThreadFigures& mine = figures[static_cast<std::size_t>(t)];
      std::mt19937_64 random(static_cast<std::uint64_t>(t) + 1);
      std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
      for (std::size_t k = static_cast<std::size_t>(t); k < kiosks.size();
           k += static_cast<std::size_t>(options.threads)) {
        auto spread = [&](Clock::duration period) {
          if (period.count() <= 0) return Clock::duration{0};
          return Clock::duration(
              std::uniform_int_distribution<Clock::rep>(0, period.count())(random));
        };
        if (transactions) queue.push(Event{start + spread(batch_every), k, false});
        if (heartbeats) {
          auto first =
              options.heartbeats_at_once ? Clock::duration{0} : spread(options.heartbeat_interval);
          queue.push(Event{start + first, k, true});
        }
      }
      while (!queue.empty()) {
        Event event = queue.top();
        queue.pop();
        if (event.at >= end) break;
        std::this_thread::sleep_until(event.at);
        SimulatedKiosk& kiosk = *kiosks[event.kiosk];
        if (kiosk.faults().dark && Clock::now() - start >= kiosk.faults().dark_after) continue;
        if (event.heartbeat) {
          auto exchange = kiosk.send_heartbeat(Clock::now() - start);
          ++mine.counts.heartbeats;
          mine.heartbeat_micros.push_back(exchange.elapsed.count());
          if (!exchange.ok) {
            ++mine.counts.heartbeats_failed;
            if (mine.counts.first_error.empty()) mine.counts.first_error = exchange.error;
          }
          queue.push(Event{event.at + options.heartbeat_interval, event.kiosk, true});
        } else {
          auto exchange = kiosk.send_transactions(options.batch, options.attempts);
          ++mine.counts.batches;
          mine.batch_micros.push_back(exchange.elapsed.count());
          mine.counts.transactions_accepted += exchange.accepted;
          mine.counts.transactions_rejected += exchange.rejected;
          if (!exchange.ok) {
            ++mine.counts.batches_failed;
            if (mine.counts.first_error.empty()) mine.counts.first_error = exchange.error;
          }
          // Open loop: the next batch is due on its schedule, however long this one took; a
          // kiosk that fell behind sends at once.
          queue.push(Event{event.at + batch_every, event.kiosk, false});
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  FleetReport report;
  report.kiosks = options.kiosks;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<std::int64_t> batch_micros, heartbeat_micros;
  for (auto& mine : figures) {
    report.batches += mine.counts.batches;
    report.transactions_accepted += mine.counts.transactions_accepted;
    report.transactions_rejected += mine.counts.transactions_rejected;
    report.batches_failed += mine.counts.batches_failed;
    report.heartbeats += mine.counts.heartbeats;
    report.heartbeats_failed += mine.counts.heartbeats_failed;
    if (report.first_error.empty()) report.first_error = mine.counts.first_error;
    batch_micros.insert(batch_micros.end(), mine.batch_micros.begin(), mine.batch_micros.end());
    heartbeat_micros.insert(heartbeat_micros.end(), mine.heartbeat_micros.begin(),
                            mine.heartbeat_micros.end());
  }
  report.batch_ack = percentiles(std::move(batch_micros));
  report.heartbeat_ack = percentiles(std::move(heartbeat_micros));
  return report;
}

}  // namespace shubbak::fleet_sim
