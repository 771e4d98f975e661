// The real binaries: shubbakctl builds and publishes a repository, shubbak-tuf (the
// conformance-suite interface) initializes, refreshes and downloads over HTTP on loopback.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "kiosk/core/atomic_file.hpp"
#include "tests/integration/trust/repo_server.hpp"
#include "tests/integration/trust/tuf_diamond.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

struct Result {
  std::optional<int> code;
  std::string out, err;
};

Result run(const TempDir& dir, std::vector<std::string> argv) {
  static int counter = 0;
  fs::path out = dir / ("run-" + std::to_string(++counter));
  fs::create_directories(out);
  ChildProcess child(std::move(argv), out);
  auto code = child.wait(std::chrono::seconds(60));
  return {code, child.stdout_text(), child.stderr_text()};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct CliWorld {
  TempDir dir;
  fs::path repo = dir / "repo", keys = dir / "keys", pub = dir / "pub", md = dir / "md",
           td = dir / "td";

  Result ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {SHUBBAKCTL_BIN, "repo",   "--repo",
                                     repo.string(),  "--keys", keys.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(dir, argv);
  }
  Result tuf(std::vector<std::string> args) {
    std::vector<std::string> argv = {SHUBBAK_TUF_BIN, "--metadata-dir", md.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(dir, argv);
  }
};

}  // namespace

TEST_CASE("shubbakctl and shubbak-tuf: init, delegate, add, publish, refresh, download, cache") {
  CliWorld w;
  REQUIRE(
      w.ctl({"init", "--key-type", "ecdsa", "--root-keys", "2", "--root-threshold", "2"}).code ==
      0);
  // Private keys are owner-only PEM files, outside the published tree.
  for (const auto& entry : fs::directory_iterator(w.keys)) {
    struct stat info {};
    REQUIRE(::stat(entry.path().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(contains(*read_whole_file(entry.path(), 8192), "BEGIN PRIVATE KEY"));
  }
  // The jordan-health ministry's delegation: it may sign only its own bundles (FORMAT.md).
  REQUIRE(
      w.ctl({"delegate", "--name", "jordan-health", "--path", "services/jordan-health/*"}).code ==
      0);
  // A real service bundle: shubbakctl lints what it signs as a kiosk would.
  const std::string clinic = *read_whole_file(
      std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services/jordan.health.appointment.json",
      1 << 20);
  w.dir.write("clinic.json", clinic);
  w.dir.write("notes.txt", "not a service bundle, not linted");
  REQUIRE(w.ctl({"add", "--file", (w.dir / "clinic.json").string(), "--name",
                 "services/jordan-health/clinic.json", "--role", "jordan-health"})
              .code == 0);
  REQUIRE(
      w.ctl({"add", "--file", (w.dir / "notes.txt").string(), "--name", "docs/notes.txt"}).code ==
      0);
  REQUIRE(w.ctl({"publish", "--out", w.pub.string()}).code == 0);
  CHECK_FALSE(fs::exists(w.pub / "keys"));
  for (const auto& entry : fs::recursive_directory_iterator(w.pub)) {
    if (entry.is_regular_file())
      CHECK_FALSE(contains(*read_whole_file(entry.path(), 1 << 20), "PRIVATE KEY"));
  }

  RepoServer server(w.pub);
  std::string murl = server.url() + "/metadata", turl = server.url() + "/targets";
  auto init = w.tuf({"init", (w.repo / "metadata" / "1.root.json").string()});
  REQUIRE(init.code == 0);
  CHECK(server.requests().empty());  // init makes no request
  CHECK(fs::exists(w.md / "root.json"));

  auto refresh = w.tuf({"--metadata-url", murl, "refresh"});
  CHECK(refresh.err == "");
  REQUIRE(refresh.code == 0);
  for (const char* name : {"root.json", "timestamp.json", "snapshot.json", "targets.json"}) {
    CHECK(fs::exists(w.md / name));
  }

  auto download = w.tuf({"--metadata-url", murl, "--target-name",
                         "services/jordan-health/clinic.json", "--target-name", "docs/notes.txt",
                         "--target-base-url", turl, "--target-dir", w.td.string(), "download"});
  CHECK(download.err == "");
  REQUIRE(download.code == 0);
  CHECK(*read_whole_file(w.td / "services%2Fjordan-health%2Fclinic.json", 1 << 20) == clinic);
  CHECK(fs::exists(w.md / "jordan-health.json"));

  // Cached: the second download fetches no target.
  server.clear_requests();
  REQUIRE(w.tuf({"--metadata-url", murl, "--target-name", "services/jordan-health/clinic.json",
                 "--target-base-url", turl, "--target-dir", w.td.string(), "download"})
              .code == 0);
  for (const auto& request : server.requests()) CHECK_FALSE(request.starts_with("/targets/"));

  SUBCASE("stops with 1 at the first failing target, keeping those before it") {
    fs::remove_all(w.td);
    auto failed = w.tuf({"--metadata-url", murl, "--target-name", "docs/notes.txt", "--target-name",
                         "docs/missing.txt", "--target-name", "services/jordan-health/clinic.json",
                         "--target-base-url", turl, "--target-dir", w.td.string(), "download"});
    CHECK(failed.code == 1);
    CHECK(contains(failed.err, "target docs/missing.txt: no trusted role lists it"));
    CHECK(fs::exists(w.td / "docs%2Fnotes.txt"));
    CHECK_FALSE(fs::exists(w.td / "services%2Fjordan-health%2Fclinic.json"));
  }
  SUBCASE("a repository whose root was rotated is followed; an attack exits 1") {
    REQUIRE(w.ctl({"rotate", "--role", "root", "--key-count", "3", "--threshold", "2", "--key-type",
                   "rsa"})
                .code == 0);
    // Only as a declared drill: a past expiry is otherwise refused (repo_rules_test).
    REQUIRE(
        w.ctl({"expires", "--role", "timestamp", "--at", "2001-01-01T00:00:00Z", "--expired-drill"})
            .code == 0);
    REQUIRE(w.ctl({"publish", "--out", w.pub.string()}).code == 0);
    auto frozen = w.tuf({"--metadata-url", murl, "refresh"});
    CHECK(frozen.code == 1);
    CAPTURE(frozen.err);
    CHECK(contains(frozen.err, "timestamp: version 6 expired at 2001-01-01T00:00:00Z"));
    CHECK(contains(*read_whole_file(w.md / "root.json", 1 << 20), "rsassa-pss-sha256"));
    REQUIRE(w.ctl({"resign"}).code == 0);
    REQUIRE(w.ctl({"publish", "--out", w.pub.string()}).code == 0);
    CHECK(w.tuf({"--metadata-url", murl, "refresh"}).code == 0);
  }
}

TEST_CASE("shubbakctl refuses a bundle that does not lint and a key others can read") {
  CliWorld w;
  REQUIRE(w.ctl({"init"}).code == 0);
  w.dir.write("bad.json", R"({"version": "1"})");
  auto refused =
      w.ctl({"add", "--file", (w.dir / "bad.json").string(), "--name", "services/bad.json"});
  CHECK(refused.code == 1);
  CHECK(contains(refused.err, "$.id: required"));
  fs::permissions(w.keys / "targets-1.pem",
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  w.dir.write("ok.json", *read_whole_file(std::filesystem::path(SHUBBAK_SOURCE_DIR) /
                                              "assets/services/jordan.health.appointment.json",
                                          1 << 20));
  auto loose = w.ctl({"add", "--file", (w.dir / "ok.json").string(), "--name", "services/ok.json"});
  CHECK(loose.code == 1);
  CHECK(contains(loose.err, "is readable by others"));
}

TEST_CASE("shubbak-tuf exits 1 on bad usage and on an untrusted root") {
  CliWorld w;
  CHECK(w.tuf({"refresh"}).code == 1);  // no --metadata-url
  CHECK(w.tuf({"frobnicate"}).code == 1);
  w.dir.write("root.json", R"({"signed": {}, "signatures": []})");
  auto bad_root = w.tuf({"init", (w.dir / "root.json").string()});
  CHECK(bad_root.code == 1);
  CHECK(contains(bad_root.err, "root metadata: $.signed: missing \"_type\""));
  CHECK(w.tuf({"--metadata-url", "http://127.0.0.1:9/metadata", "refresh"}).code == 1);
}

TEST_CASE(
    "shubbak-tuf, as the conformance suite runs it: two targets through a diamond delegation") {
  // One process, one Updater, two --target-name: the second reaches "shared" through a
  // delegator that never signed it, and must not download it.
  TufWorld world;
  make_diamond(world, false);
  TempDir dir;
  fs::path target_dir = dir / "targets";
  auto download =
      run(dir, {SHUBBAK_TUF_BIN, "--metadata-dir", world.client_metadata().string(),
                "--metadata-url", world.metadata_url(), "--target-name", k_diamond_path_b,
                "--target-name", k_diamond_path_a, "--target-base-url", world.targets_url(),
                "--target-dir", target_dir.string(), "download"});
  INFO(download.err);
  CHECK(download.code == 1);
  CHECK(contains(download.err,
                 "shared: 0 of 1 required signatures verify (threshold not "
                 "reached) for the delegation from a"));
  CHECK(fs::exists(target_dir / trust::percent_encode(k_diamond_path_b)));
  CHECK_FALSE(fs::exists(target_dir / trust::percent_encode(k_diamond_path_a)));
}
