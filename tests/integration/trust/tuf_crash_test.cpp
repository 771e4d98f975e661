// Killing the client at every durable step of an update (new root, timestamp, snapshot,
// targets, a delegated role, the time floor and a target): afterwards every trusted file is
// byte for byte the old or the new version, never a torn or mixed one, and a new run succeeds.
#include <doctest/doctest.h>

#include <csignal>
#include <map>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "tests/integration/trust/tuf_world.hpp"
#include "tests/support/child_process.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

std::map<std::string, std::string> snapshot_dir(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    files[entry.path().filename().string()] = *read_whole_file(entry.path(), 1 << 24);
  }
  return files;
}

}  // namespace

TEST_CASE(
    "a crash at any persistence step leaves old or new metadata, and the next refresh succeeds") {
  TufWorld world;
  REQUIRE(world.repo().delegate(
      {"health", "targets", {"services/health/*"}, {1, 1}, false, KeyScheme::ed25519}));
  world.commit_and_publish();
  world.add_target("services/health/clinic.json", "version one", "health");
  fs::path target_file = world.root() / "clinic.json";
  auto client = world.updater();
  REQUIRE(client->refresh());
  auto found = client->find_target("services/health/clinic.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  REQUIRE(client->download_target(**found, target_file));
  auto before = snapshot_dir(world.client_metadata());
  std::string target_before = *read_whole_file(target_file, 1024);

  // The next update touches every file: a root rotation, new targets, a new service version.
  REQUIRE(world.repo().rotate("root", {1, 1}, KeyScheme::ed25519));
  // A new snapshot key too: the client deletes its timestamp and snapshot (fast-forward
  // recovery), which are durable steps of their own.
  REQUIRE(world.repo().rotate("snapshot", {1, 1}, KeyScheme::ed25519));
  world.commit_and_publish();
  world.add_target("services/health/clinic.json", "version two!", "health");
  world.add_target("services/top.json", "top-level", "targets");

  fs::path pristine = world.root() / "pristine";
  // Without a floor file the floor is always written, so every run has the same steps.
  fs::remove(world.client_metadata() / ".trusted-time-floor");
  fs::copy(world.client_metadata(), pristine);
  auto run = [&](long kill_at, const fs::path& out) {
    fs::create_directories(out);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{REFRESH_CRASH_CHILD, world.client_metadata().string(),
                                 world.metadata_url(), world.targets_url(), std::to_string(kill_at),
                                 "services/health/clinic.json", target_file.string()},
        out);
  };
  auto reset = [&] {
    fs::remove_all(world.client_metadata());
    fs::copy(pristine, world.client_metadata());
    fs::remove(target_file);
    REQUIRE(write_file_atomically(target_file, target_before));
  };

  // A full run tells how many durable steps there are, and what "new" looks like.
  auto full = run(0, world.root() / "full");
  REQUIRE(full->wait(std::chrono::seconds(30)) == 0);
  long total_steps = std::stol(full->stdout_text().substr(6));
  // root, timestamp, snapshot, targets, health and the time floor: 4 steps each; removing the
  // old timestamp and snapshot: 2 each; the target: 2.
  CHECK(total_steps == 30);
  auto after = snapshot_dir(world.client_metadata());
  std::string target_after = *read_whole_file(target_file, 1024);
  REQUIRE(target_after == "version two!");

  for (long step = 1; step <= total_steps; ++step) {
    CAPTURE(step);
    reset();
    auto child = run(step, world.root() / fmt::format("run-{}", step));
    CHECK(child->wait(std::chrono::seconds(30)) == std::nullopt);  // died by SIGKILL
    CHECK(child->stdout_text().starts_with(fmt::format("killed after step {}:", step)));
    for (const auto& [name, content] : snapshot_dir(world.client_metadata())) {
      CAPTURE(name);
      if (name.find(".tmp-") != std::string::npos) continue;  // an unreferenced leftover
      if (name == ".trusted-time-floor") {
        // A time, different on every run: it must be whole, never torn.
        CHECK(content.size() == 11);
        CHECK(content.back() == '\n');
        continue;
      }
      bool old_or_new = (before.contains(name) && before.at(name) == content) ||
                        (after.contains(name) && after.at(name) == content);
      CHECK(old_or_new);
    }
    std::string target_now = *read_whole_file(target_file, 1024);
    CHECK((target_now == target_before || target_now == target_after));
    // The kiosk comes back and finishes the update.
    auto again = run(0, world.root() / fmt::format("again-{}", step));
    REQUIRE(again->wait(std::chrono::seconds(30)) == 0);
    CHECK(snapshot_dir(world.client_metadata()).at("root.json") == after.at("root.json"));
    CHECK(*read_whole_file(target_file, 1024) == target_after);
  }
}
