// Staged rollouts end to end: a repository signed with the shubbakctl library (rollouts
// included), served over real HTTP on loopback and read as a directory (a USB stick), and a
// fleet of 1,000 real ServiceUpdaters in-process, each with its own kiosk id, data directory
// and trusted clock. Time moves only through the kiosks' trusted clock (their system clock is
// the test's), never the wall clock.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/crypto/digest.hpp"
#include "kiosk/trust/service_updater.hpp"
#include "provisioning/shubbakctl/repo_rollout.hpp"
#include "tests/integration/trust/tuf_world.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using namespace shubbak::trust;
namespace fs = std::filesystem;

constexpr int k_fleet = 1000;
constexpr std::string_view k_target = "services/health/clinic.json";

struct Kiosk {
  std::string id;
  std::unique_ptr<ServiceUpdater> updater;
  bool refused = false;
};

class Fleet {
 public:
  Fleet(TufWorld& world, std::function<std::vector<std::string>(int)> groups_of)
      : m_world(world), m_logger(LogLevel::error) {
    for (int i = 0; i < k_fleet; ++i) {
      ServiceUpdaterOptions options;
      options.data_dir = world.root() / "kiosks" / std::to_string(i);
      options.trusted_root = world.root() / "repo" / "metadata" / "1.root.json";
      options.metadata_url = world.metadata_url();
      options.targets_url = world.targets_url();
      options.fetch = world.fetch_options;
      options.identity = {fmt::format("kiosk-{:04}", i), groups_of(i)};
      options.tuning.system_clock = [this] { return clock.load(); };
      auto updater = ServiceUpdater::open(m_loop, m_workers, options, Log(m_logger, "updates"));
      REQUIRE(updater);
      m_kiosks.push_back({options.identity.kiosk_id, std::move(*updater)});
    }
    for (auto& kiosk : m_kiosks) {
      kiosk.updater->on_refused([&kiosk](const Error&) { kiosk.refused = true; });
      kiosk.updater->on_checked([this] {
        if (--m_pending == 0) m_loop.quit(0);
      });
    }
  }
  ~Fleet() { m_workers.shutdown(); }

  // One check on each kiosk in `which` (default: all), over HTTP or from the published
  // directory; returns when every one has finished.
  void check(bool from_directory, std::vector<int> which = {}) {
    if (which.empty()) {
      for (int i = 0; i < k_fleet; ++i) which.push_back(i);
    }
    m_pending = static_cast<int>(which.size());
    for (int i : which) {
      Kiosk& kiosk = m_kiosks[static_cast<std::size_t>(i)];
      kiosk.refused = false;
      m_loop.post([this, &kiosk, from_directory] {
        REQUIRE((from_directory ? kiosk.updater->check_directory(m_world.published())
                                : kiosk.updater->check_now()));
      });
    }
    auto timer = m_loop.add_timer(std::chrono::seconds(250), [this] { m_loop.quit(1); });
    REQUIRE(m_loop.run() == 0);
    m_loop.cancel_timer(timer);
  }

  // The sha256 of the target each kiosk has installed ("" for none).
  std::string installed(int i) const {
    const auto& current = m_kiosks[static_cast<std::size_t>(i)].updater->current();
    if (!current) return "";
    for (const auto& bundle : current->bundles) {
      if (bundle.target == k_target) return bundle.sha256;
    }
    return "";
  }
  int count_on(const std::string& sha256) const {
    int count = 0;
    for (int i = 0; i < k_fleet; ++i) count += installed(i) == sha256;
    return count;
  }
  std::optional<BundleStatus> status(int i) const {
    for (const auto& status : m_kiosks[static_cast<std::size_t>(i)].updater->bundle_statuses()) {
      if (status.target == k_target) return status;
    }
    return std::nullopt;
  }
  int refused() const {
    int count = 0;
    for (const auto& kiosk : m_kiosks) count += kiosk.refused;
    return count;
  }

  std::atomic<UnixSeconds> clock{system_unix_time()};

 private:
  TufWorld& m_world;
  Logger m_logger;
  EventLoop m_loop;
  WorkerPool m_workers{2};
  std::vector<Kiosk> m_kiosks;
  int m_pending = 0;
};

// Adds a version of the clinic bundle to the repository without publishing it.
std::string add_version(TufWorld& world, const std::string& version) {
  std::string bytes = fmt::format(R"({{"id":"clinic","version":"{}"}})", version);
  fs::path file = world.root() / ("clinic-" + version + ".json");
  REQUIRE(write_file_atomically(file, bytes));
  REQUIRE(world.repo().add_target(std::string(k_target), file, "targets"));
  return *digest_hex("sha256", bytes);
}

void start(TufWorld& world, const std::string& waves, std::vector<std::string> groups,
           UnixSeconds now) {
  auto parsed = repo::parse_wave_list(waves);
  REQUIRE(parsed);
  auto started = repo::start_rollout(world.repo(), {std::string(k_target), *parsed, groups}, now);
  REQUIRE_MESSAGE(started, (started ? "" : started.error().describe()));
  world.commit_and_publish();
}

// The share of the fleet, in percentage points, on `sha256` (said in the test's output).
double share(const Fleet& fleet, const std::string& sha256) {
  double percent = 100.0 * fleet.count_on(sha256) / k_fleet;
  MESSAGE(fmt::format("{:.1f}% of {} kiosks on {}", percent, k_fleet, sha256.substr(0, 12)));
  return percent;
}

}  // namespace

TEST_CASE(
    "over HTTP: waves reach their shares, a halt stops them, a replay is refused, a "
    "rollback converges and an emergency opens every wave") {
  TufWorld world;
  Fleet fleet(world, [](int) { return std::vector<std::string>{}; });
  const UnixSeconds t0 = fleet.clock.load();
  std::string v1 = add_version(world, "1");
  world.commit_and_publish();
  fleet.check(false);
  REQUIRE(fleet.count_on(v1) == k_fleet);

  std::string v2 = add_version(world, "2");
  start(world, "1%:0h,10%:1h,50%:2h,100%:3h", {}, t0);

  fleet.clock = t0 + 60;
  fleet.check(false);
  CHECK(fleet.refused() == 0);
  CHECK(std::abs(share(fleet, v2) - 1) <= 3);
  CHECK(fleet.count_on(v2) > 0);
  CHECK(fleet.count_on(v1) + fleet.count_on(v2) == k_fleet);  // waiting kiosks keep version 1
  for (int i = 0; i < k_fleet; ++i) {
    auto status = fleet.status(i);
    REQUIRE(status);
    if (fleet.installed(i) == v2) {
      CHECK(status->state == BundleState::installed);
    } else {
      CHECK(status->state == BundleState::waiting);
      REQUIRE(status->opens);
      CHECK(*status->opens > fleet.clock.load());
    }
  }

  fleet.clock = t0 + 3600 + 60;
  fleet.check(false);
  CHECK(std::abs(share(fleet, v2) - 10) <= 3);
  fleet.clock = t0 + 2 * 3600 + 60;
  fleet.check(false);
  CHECK(std::abs(share(fleet, v2) - 50) <= 3);
  const int before_halt = fleet.count_on(v2);

  // The metadata kiosks trust now, kept to be replayed after the halt.
  fs::path before = world.root() / "before-halt";
  fs::copy(world.published() / "metadata", before, fs::copy_options::recursive);

  REQUIRE(repo::set_rollout_halted(world.repo(), std::string(k_target), true));
  world.commit_and_publish();
  // The last wave opens by the clock, but the halt was signed: one check (one timestamp
  // refresh) later nobody new takes version 2, and those who had it keep it.
  fleet.clock = t0 + 3 * 3600 + 60;
  fleet.check(false);
  CHECK(fleet.refused() == 0);
  CHECK(fleet.count_on(v2) == before_halt);
  for (int i = 0; i < k_fleet; ++i) {
    if (fleet.installed(i) != v2) CHECK(fleet.status(i)->state == BundleState::halted);
  }

  // A replay of the metadata from before the halt (it would reopen the waves): refused by
  // TUF's version checks, and nothing changes.
  fs::path live = world.root() / "live-metadata";
  fs::rename(world.published() / "metadata", live);
  fs::copy(before, world.published() / "metadata", fs::copy_options::recursive);
  fleet.clock = t0 + 3 * 3600 + 120;
  fleet.check(false, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(fleet.refused() == 10);
  CHECK(fleet.count_on(v2) == before_halt);
  fs::remove_all(world.published() / "metadata");
  fs::rename(live, world.published() / "metadata");

  // Rollback: version 1 signed again; every kiosk, those on version 2 included, returns to it.
  REQUIRE(repo::rollback_rollout(world.repo(), std::string(k_target), "1"));
  world.commit_and_publish();
  fleet.clock = t0 + 3 * 3600 + 180;
  fleet.check(false);
  CHECK(fleet.refused() == 0);
  CHECK(fleet.count_on(v1) == k_fleet);

  // An emergency fix: staged over two days, then every wave opened at once.
  std::string v3 = add_version(world, "3");
  start(world, "1%:0h,100%:48h", {}, fleet.clock.load());
  fleet.clock = fleet.clock.load() + 60;
  fleet.check(false);
  CHECK(fleet.count_on(v3) < k_fleet / 20);
  REQUIRE(repo::advance_rollout(world.repo(), std::string(k_target), fleet.clock.load(), true));
  world.commit_and_publish();
  fleet.clock = fleet.clock.load() + 60;
  fleet.check(false);
  CHECK(fleet.count_on(v3) == k_fleet);
}

TEST_CASE("from a directory (USB stick): the same waves, and groups exactly as certified") {
  TufWorld world;
  // Every fourth kiosk is a pilot; the groups are what the kiosk's certificate carried.
  auto pilot = [](int i) { return i % 4 == 0; };
  Fleet fleet(world, [&](int i) {
    return pilot(i) ? std::vector<std::string>{"region:riyadh", "pilot"}
                    : std::vector<std::string>{"region:riyadh"};
  });
  const UnixSeconds t0 = fleet.clock.load();
  std::string v1 = add_version(world, "1");
  world.commit_and_publish();
  fleet.check(true);
  REQUIRE(fleet.count_on(v1) == k_fleet);

  std::string v2 = add_version(world, "2");
  start(world, "10%:0h,100%:1h", {}, t0);
  fleet.clock = t0 + 60;
  fleet.check(true);
  CHECK(fleet.refused() == 0);
  CHECK(std::abs(share(fleet, v2) - 10) <= 3);

  std::string v3 = add_version(world, "3");
  start(world, "100%:0h", {"pilot"}, fleet.clock.load());
  fleet.clock = fleet.clock.load() + 60;
  fleet.check(true);
  // Nobody outside the pilot group takes version 3, whatever its wave; every pilot does.
  for (int i = 0; i < k_fleet; ++i) {
    if (pilot(i)) {
      CHECK(fleet.installed(i) == v3);
    } else {
      CHECK(fleet.installed(i) != v3);
      CHECK(fleet.status(i)->state == BundleState::not_in_groups);
    }
  }
  // Later, still never.
  fleet.clock = fleet.clock.load() + 7 * 86400 / 8;
  fleet.check(true);
  for (int i = 0; i < k_fleet; ++i) CHECK((fleet.installed(i) == v3) == pilot(i));
}

TEST_CASE("a kiosk with nothing installed takes the previous version while it waits") {
  TufWorld world;
  std::string v1 = add_version(world, "1");
  world.commit_and_publish();
  std::string v2 = add_version(world, "2");
  start(world, "1%:0h,100%:24h", {}, system_unix_time());
  // A fleet provisioned now: most wait for the second wave, with version 1 meanwhile.
  Fleet fleet(world, [](int) { return std::vector<std::string>{}; });
  fleet.clock = fleet.clock.load() + 60;
  fleet.check(false);
  CHECK(fleet.refused() == 0);
  CHECK(fleet.count_on(v1) + fleet.count_on(v2) == k_fleet);
  CHECK(fleet.count_on(v1) > k_fleet * 9 / 10);
}
