// How fast a staged rollout's emergency and halt reach a fleet. A real repository (signed with
// the shubbakctl library, rollouts included) is published to a directory as a mirror would
// serve it: the timestamp is re-signed and the mirror refreshed every REFRESH minutes, so an
// admin's command is served from the next refresh on. Each kiosk is a real TUF Updater with its
// own metadata directory and trusted clock, checking every INTERVAL minutes plus a random share
// of JITTER percent of it, and deciding with the kiosk's own rollout decision. A few kiosks are
// offline and never check. Time is simulated: it moves only through the kiosks' trusted clocks.
//   bench_rollout [KIOSKS] [INTERVAL_MIN] [JITTER_PERCENT] [REFRESH_MIN] [OFFLINE_PERCENT]
// Prints, for an emergency (every wave opened at once) and for a halt, the time from the
// admin's command until 95% of the online kiosks have obeyed it. The aim: one check interval
// plus its jitter (plus, at worst, one refresh).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/crypto/digest.hpp"
#include "kiosk/trust/rollout.hpp"
#include "kiosk/trust/updater.hpp"
#include "provisioning/shubbakctl/repo_rollout.hpp"
#include "provisioning/shubbakctl/repository.hpp"

namespace {

namespace fs = std::filesystem;
using namespace shubbak;
using trust::UnixSeconds;

constexpr std::string_view k_target = "services/health/clinic.json";

template <class T>
T must(Expected<T> value, std::string_view what) {
  if (!value) {
    std::fprintf(stderr, "bench_rollout: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
                 value.error().describe().c_str());
    std::exit(1);
  }
  return std::move(*value);
}
void must(Expected<void> done, std::string_view what) {
  if (!done) {
    std::fprintf(stderr, "bench_rollout: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
                 done.error().describe().c_str());
    std::exit(1);
  }
}

struct Kiosk {
  std::string id;
  fs::path metadata;
  bool online = true;
  std::string installed;  // sha256 of the clinic bundle it runs
  bool saw_halt = false;
};

struct Check {
  UnixSeconds at;
  std::size_t kiosk;
  bool operator>(const Check& other) const { return at > other.at; }
};

class Simulation {
 public:
  Simulation(fs::path dir, int kiosks, int interval_min, int jitter_percent, int refresh_min,
             int offline_percent)
      : m_dir(std::move(dir)),
        m_interval(interval_min * 60),
        m_jitter(interval_min * 60 * jitter_percent / 100),
        m_refresh(refresh_min * 60),
        m_repo(must(repo::Repository::init(m_dir / "repo", m_dir / "keys", {}), "init")) {
    m_now = trust::system_unix_time();
    std::string root =
        must(read_whole_file(m_dir / "repo" / "metadata" / "1.root.json", 1 << 20), "root");
    for (int i = 0; i < kiosks; ++i) {
      Kiosk kiosk;
      kiosk.id = fmt::format("kiosk-{:05}", i);
      kiosk.metadata = m_dir / "kiosks" / std::to_string(i);
      kiosk.online = i % 100 >= offline_percent;
      must(trust::initialize_metadata_dir(kiosk.metadata, root), "kiosk init");
      m_kiosks.push_back(std::move(kiosk));
    }
  }

  std::string add_version(const std::string& version) {
    std::string bytes = fmt::format(R"({{"id":"clinic","version":"{}"}})", version);
    fs::path file = m_dir / ("clinic-" + version + ".json");
    must(write_file_atomically(file, bytes), "bundle");
    must(m_repo.add_target(std::string(k_target), file, "targets"), "add");
    return must(digest_hex("sha256", bytes), "sha256");
  }
  repo::Repository& repo() { return m_repo; }
  UnixSeconds now() const { return m_now; }

  // The mirror's refresh: re-signs the timestamp (with whatever the admins committed since)
  // and serves the result.
  void refresh_mirror() {
    m_repo.resign_snapshot_and_timestamp();
    must(m_repo.commit(), "commit");
    must(m_repo.publish(m_dir / "served"), "publish");
  }

  // Every kiosk checks once, at once (the fleet's starting state).
  void check_everyone() {
    for (std::size_t i = 0; i < m_kiosks.size(); ++i) check(i);
  }

  // Runs the fleet from now until `done` holds for 95% of the online kiosks, or `limit`
  // seconds. Returns the seconds that took, or -1.
  UnixSeconds run_until(const std::function<bool(const Kiosk&)>& done, UnixSeconds limit) {
    UnixSeconds start = m_now;
    std::priority_queue<Check, std::vector<Check>, std::greater<>> checks;
    // Each kiosk's next check falls anywhere in its cycle: the fleet is mid-way through its day.
    std::uniform_int_distribution<UnixSeconds> phase(0, m_interval + m_jitter);
    for (std::size_t i = 0; i < m_kiosks.size(); ++i) {
      if (m_kiosks[i].online) checks.push({start + phase(m_random), i});
    }
    UnixSeconds next_refresh = start + m_refresh - (start % m_refresh);
    std::size_t online = static_cast<std::size_t>(
        std::count_if(m_kiosks.begin(), m_kiosks.end(), [](const Kiosk& k) { return k.online; }));
    while (m_now - start <= limit) {
      std::size_t obeying = static_cast<std::size_t>(std::count_if(
          m_kiosks.begin(), m_kiosks.end(), [&](const Kiosk& k) { return k.online && done(k); }));
      if (obeying * 100 >= online * 95) return m_now - start;
      if (next_refresh <= checks.top().at) {
        m_now = next_refresh;
        refresh_mirror();
        next_refresh += m_refresh;
        continue;
      }
      Check due = checks.top();
      checks.pop();
      m_now = due.at;
      check(due.kiosk);
      std::uniform_int_distribution<UnixSeconds> jitter(0, m_jitter);
      checks.push({m_now + m_interval + jitter(m_random), due.kiosk});
      ++m_checks;
    }
    return -1;
  }
  long checks() const { return m_checks; }
  long count_installed(const std::string& sha256) const {
    return std::count_if(m_kiosks.begin(), m_kiosks.end(),
                         [&](const Kiosk& k) { return k.installed == sha256; });
  }

 private:
  // One kiosk's check: the TUF refresh by its trusted clock, then its rollout decision.
  void check(std::size_t index) {
    Kiosk& kiosk = m_kiosks[index];
    trust::UpdaterOptions options;
    options.metadata_dir = kiosk.metadata;
    options.metadata_url = (m_dir / "served" / "metadata").string();
    options.target_base_url = (m_dir / "served" / "targets").string();
    UnixSeconds now = m_now;
    options.system_clock = [now] { return now; };
    auto fetcher = trust::make_directory_fetcher();
    auto updater = must(trust::Updater::open(options, *fetcher, *fetcher), "updater");
    must(updater->refresh(), fmt::format("{} refresh", kiosk.id));
    auto found = must(updater->find_target(std::string(k_target)), "find");
    if (!found) return;
    auto policy = must(trust::parse_rollout(found->file.custom), "policy");
    std::string sha256 = found->file.hashes.at("sha256");
    kiosk.saw_halt = policy && policy->halted;
    bool install = !policy || trust::decide_rollout(*policy, {kiosk.id, {}}, k_target,
                                                    updater->trusted()->reference_time())
                                      .verdict == trust::RolloutVerdict::install;
    if (install) kiosk.installed = sha256;
  }

  fs::path m_dir;
  UnixSeconds m_interval, m_jitter, m_refresh;
  repo::Repository m_repo;
  std::vector<Kiosk> m_kiosks;
  UnixSeconds m_now = 0;
  std::mt19937_64 m_random{16};
  long m_checks = 0;
};

int argument(int argc, char** argv, int index, int fallback) {
  return argc > index ? std::atoi(argv[index]) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  int kiosks = argument(argc, argv, 1, 1000);
  int interval = argument(argc, argv, 2, 60);
  int jitter = argument(argc, argv, 3, 20);
  int refresh = argument(argc, argv, 4, 5);
  int offline = argument(argc, argv, 5, 3);
  if (kiosks < 1 || interval < 1 || jitter < 0 || refresh < 1 || offline < 0 || offline > 50) {
    std::fprintf(stderr,
                 "usage: bench_rollout [KIOSKS] [INTERVAL_MIN] [JITTER_PERCENT] "
                 "[REFRESH_MIN] [OFFLINE_PERCENT]\n");
    return 2;
  }
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir = fs::path(tmp && *tmp ? tmp : "/tmp") / fmt::format("bench-rollout-{}", ::getpid());
  fs::remove_all(dir);
  Simulation sim(dir, kiosks, interval, jitter, refresh, offline);
  sim.add_version("1");
  sim.refresh_mirror();
  sim.check_everyone();

  std::printf(
      "rollout: %d kiosks (%d%% offline), checks every %d min + up to %d%%, timestamp "
      "and mirror refreshed every %d min; aim: %d min (one interval plus its jitter)\n",
      kiosks, offline, interval, jitter, refresh, interval + interval * jitter / 100);
  const UnixSeconds limit = 6 * interval * 60;

  // Emergency: a fix staged over three days, then every wave opened at once.
  std::string fix = sim.add_version("2");
  auto waves = must(repo::parse_wave_list("1%:0h,10%:24h,100%:72h"), "waves");
  must(repo::start_rollout(sim.repo(), {std::string(k_target), waves, {}}, sim.now()), "start");
  must(sim.repo().commit(), "commit");
  must(repo::advance_rollout(sim.repo(), std::string(k_target), sim.now(), true), "emergency");
  must(sim.repo().commit(), "commit");
  UnixSeconds emergency =
      sim.run_until([&](const auto& kiosk) { return kiosk.installed == fix; }, limit);

  // Halt: the next version staged (10% now, everyone within the hour), halted a quarter of an
  // hour in. Kiosks that took it before they saw the halt keep it; nobody takes it after.
  std::string next = sim.add_version("3");
  waves = must(repo::parse_wave_list("10%:0h,100%:1h"), "waves");
  must(repo::start_rollout(sim.repo(), {std::string(k_target), waves, {}}, sim.now()), "start");
  must(sim.repo().commit(), "commit");
  sim.run_until([](const auto&) { return false; }, 15 * 60);
  long before_halt = sim.count_installed(next);
  must(repo::set_rollout_halted(sim.repo(), std::string(k_target), true), "halt");
  must(sim.repo().commit(), "commit");
  UnixSeconds halt = sim.run_until([](const auto& kiosk) { return kiosk.saw_halt; }, limit);
  long after_halt = sim.count_installed(next);

  auto minutes = [](UnixSeconds seconds) {
    return seconds < 0 ? std::string("not reached")
                       : fmt::format("{:.1f} min", static_cast<double>(seconds) / 60.0);
  };
  std::printf("rollout: emergency reached 95%% of online kiosks in %s\n",
              minutes(emergency).c_str());
  std::printf(
      "rollout: halt reached 95%% of online kiosks in %s; kiosks on the halted version: "
      "%ld when it was signed, %ld when 95%% had seen it\n",
      minutes(halt).c_str(), before_halt, after_halt);
  std::printf("rollout: %ld simulated kiosk checks\n", sim.checks());
  fs::remove_all(dir);
  return emergency >= 0 && halt >= 0 ? 0 : 1;
}
