// The runtime's ServiceUpdater with a real EventLoop and WorkerPool, against a repository over
// real HTTP on loopback and from a directory (USB stick): verified sets are installed and
// reported to the loop; a refused update keeps the last good set on disk and in memory.
#include <doctest/doctest.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/trust/service_updater.hpp"
#include "tests/integration/trust/tuf_world.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using namespace shubbak::trust;
namespace fs = std::filesystem;

struct Outcome {
  std::optional<ServiceSet> ready;
  std::optional<Error> refused;
};

// Runs one check on the loop, bounded in time.
Outcome run_one(EventLoop& loop, ServiceUpdater& updater, const std::function<bool()>& launch) {
  Outcome outcome;
  updater.on_new_set([&](const ServiceSet& set) { outcome.ready = set; });
  updater.on_refused([&](const Error& error) { outcome.refused = error; });
  updater.on_checked([&] { loop.quit(0); });
  loop.post([&] { REQUIRE(launch()); });
  loop.add_timer(std::chrono::seconds(20), [&] { loop.quit(1); });
  REQUIRE(loop.run() == 0);
  return outcome;
}

std::string read(const fs::path& file) {
  auto bytes = read_whole_file(file, 1 << 20);
  return bytes ? *bytes : "<missing>";
}

// A kiosk of `world`: its data directory, the repository's first root, its URLs.
ServiceUpdaterOptions updater_options(TufWorld& world) {
  ServiceUpdaterOptions options;
  options.data_dir = world.root() / "data";
  options.trusted_root = world.root() / "repo" / "metadata" / "1.root.json";
  options.metadata_url = world.metadata_url();
  options.targets_url = world.targets_url();
  options.fetch = world.fetch_options;
  return options;
}

}  // namespace

TEST_CASE(
    "the service updater installs verified sets, keeps the last good one, and takes USB "
    "repositories") {
  TufWorld world;
  REQUIRE(world.repo().delegate(
      {"health", "targets", {"services/health/*"}, {1, 1}, false, KeyScheme::ed25519}));
  world.commit_and_publish();
  world.add_target("services/health/clinic.json", R"({"id":"clinic","version":"1"})", "health");
  world.add_target("docs/readme.txt", "not a service");

  Logger logger(LogLevel::error);
  EventLoop loop;
  WorkerPool workers(1);
  ServiceUpdaterOptions options = updater_options(world);
  auto updater = ServiceUpdater::open(loop, workers, options, Log(logger, "updates"));
  REQUIRE(updater);
  CHECK_FALSE((*updater)->current());

  auto first = run_one(loop, **updater, [&] { return (*updater)->check_now(); });
  REQUIRE(first.ready);
  CHECK_FALSE(first.refused);
  CHECK(first.ready->generation == 1);
  REQUIRE(first.ready->bundles.size() == 1);  // only targets under services/
  fs::path current = options.data_dir / "services" / "current";
  CHECK(read(current / "health" / "clinic.json") == R"({"id":"clinic","version":"1"})");

  // Nothing new: no new set.
  auto same = run_one(loop, **updater, [&] { return (*updater)->check_now(); });
  CHECK_FALSE(same.ready);
  CHECK_FALSE(same.refused);

  // A new version whose bytes are tampered on the mirror: refused, the old set stays current.
  world.add_target("services/health/clinic.json", R"({"id":"clinic","version":"2"})", "health");
  auto found = world.updater()->find_target("services/health/clinic.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  world.server().replace(
      "/targets/services/health/" + (*found)->file.hashes.at("sha256") + ".clinic.json",
      R"({"id":"clinic","version":"X"})");
  auto attacked = run_one(loop, **updater, [&] { return (*updater)->check_now(); });
  CHECK_FALSE(attacked.ready);
  REQUIRE(attacked.refused);
  CHECK(attacked.refused->message.find(
            "target services/health/clinic.json: length or hash does not match") !=
        std::string::npos);
  CHECK(read(current / "health" / "clinic.json") == R"({"id":"clinic","version":"1"})");
  REQUIRE((*updater)->current());
  CHECK((*updater)->current()->generation == 1);

  // The same repository brought on a USB stick (the network mirror stays poisoned).
  fs::path stick = world.root() / "stick";
  fs::copy(world.published(), stick, fs::copy_options::recursive);
  auto usb = run_one(loop, **updater, [&] { return (*updater)->check_directory(stick); });
  REQUIRE(usb.ready);
  CHECK(usb.ready->generation == 2);
  CHECK(read(current / "health" / "clinic.json") == R"({"id":"clinic","version":"2"})");
  // The set before is kept as the last known good one.
  CHECK(read(options.data_dir / "services" / "set-1" / "health" / "clinic.json") ==
        R"({"id":"clinic","version":"1"})");

  // A restarted kiosk finds the installed set.
  auto reloaded = load_current_service_set(options.data_dir);
  REQUIRE(reloaded);
  CHECK(reloaded->generation == 2);
  workers.shutdown();
}

TEST_CASE(
    "the schedule runs checks by itself, with jitter, and a missing trusted root is a clear "
    "error") {
  TufWorld world;
  world.add_target("services/a.json", R"({"id":"a","version":"1"})");
  Logger logger(LogLevel::error);
  EventLoop loop;
  WorkerPool workers(1);
  ServiceUpdaterOptions options;
  options.data_dir = world.root() / "data";
  options.trusted_root = world.root() / "nowhere.json";
  auto missing = ServiceUpdater::open(loop, workers, options, Log(logger, "updates"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("updates: no trusted root") != std::string::npos);

  options.trusted_root = world.root() / "repo" / "metadata" / "1.root.json";
  options.metadata_url = world.metadata_url();
  options.targets_url = world.targets_url();
  options.interval = std::chrono::minutes(0);  // the first check comes at once
  auto updater = ServiceUpdater::open(loop, workers, options, Log(logger, "updates"));
  REQUIRE(updater);
  std::optional<ServiceSet> ready;
  (*updater)->on_new_set([&](const ServiceSet& set) {
    ready = set;
    loop.quit(0);
  });
  (*updater)->start();
  loop.add_timer(std::chrono::seconds(20), [&] { loop.quit(1); });
  REQUIRE(loop.run() == 0);
  REQUIRE(ready);
  CHECK(ready->bundles.at(0).target == "services/a.json");
  workers.shutdown();
}

TEST_CASE("a kiosk with no services asks at once, whatever its interval; one with a set waits") {
  TufWorld world;
  world.add_target("services/a.json", R"({"id":"a","version":"1"})");
  Logger logger(LogLevel::error);
  ServiceUpdaterOptions options = updater_options(world);
  // A first check within 20,000 minutes at random, unless it comes at once.
  options.interval = std::chrono::minutes(100'000);
  options.jitter_percent = 20;

  // Newly provisioned: nothing installed, so the check comes now, not in minutes.
  {
    EventLoop loop;
    WorkerPool workers(1);
    auto updater = ServiceUpdater::open(loop, workers, options, Log(logger, "updates"));
    REQUIRE(updater);
    REQUIRE_FALSE((*updater)->current());
    std::optional<ServiceSet> ready;
    (*updater)->on_new_set([&](const ServiceSet& set) {
      ready = set;
      loop.quit(0);
    });
    (*updater)->start();
    loop.add_timer(std::chrono::seconds(20), [&] { loop.quit(1); });
    REQUIRE(loop.run() == 0);
    REQUIRE(ready);
    workers.shutdown();
  }
  // Restarted with that set installed: it serves it and checks on its spread-out schedule, so
  // no check runs in the next two seconds.
  {
    EventLoop loop;
    WorkerPool workers(1);
    auto updater = ServiceUpdater::open(loop, workers, options, Log(logger, "updates"));
    REQUIRE(updater);
    REQUIRE((*updater)->current());
    bool checked = false;
    (*updater)->on_checked([&] { checked = true; });
    (*updater)->start();
    loop.add_timer(std::chrono::seconds(2), [&] { loop.quit(0); });
    REQUIRE(loop.run() == 0);
    CHECK_FALSE(checked);  // (a chance of 1 in 600,000 that the random first check falls here)
    workers.shutdown();
  }
}
