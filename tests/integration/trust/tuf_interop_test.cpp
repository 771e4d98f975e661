// Interoperability: a repository signed by python-tuf 3.0.0 (consistent snapshots, ed25519),
// served over HTTP on loopback, is refreshed and its targets downloaded by our client, through
// the shubbak-tuf binary. Any difference in canonical JSON or key handling would fail here.
#include <doctest/doctest.h>

#include "kiosk/core/atomic_file.hpp"
#include "tests/integration/trust/repo_server.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

std::optional<int> tuf(const TempDir& dir, const std::string& name, std::vector<std::string> args) {
  args.insert(args.begin(), SHUBBAK_TUF_BIN);
  fs::create_directories(dir / name);
  ChildProcess child(args, dir / name);
  auto code = child.wait(std::chrono::seconds(30));
  INFO(child.stderr_text());
  CHECK(child.stderr_text() == "");
  return code;
}

}  // namespace

TEST_CASE("a python-tuf 3.0.0 repository refreshes and downloads with shubbak-tuf") {
  TempDir dir;
  fs::path repo = dir / "repo";
  fs::copy(fs::path(SHUBBAK_SOURCE_DIR) / "tests/fixtures/tuf/python-tuf-v3-repo", repo,
           fs::copy_options::recursive);
  // Consistent snapshot target names: <sha256>.<name>, beside the name's directory.
  fs::create_directories(repo / "targets" / "dir");
  REQUIRE(write_file_atomically(
      repo / "targets" /
          "55ae75d991c770d8f3ef07cbfde124ffce9c420da5db6203afab700b27e10cf9.file1.txt",
      "file1.txt"));
  REQUIRE(write_file_atomically(
      repo / "targets" / "dir" /
          "04e2f59431a9d219321baf7d21b8cc797d7615dc3e9515c782c49d2075658701.file2.txt",
      "file2.txt"));
  RepoServer server(repo);
  fs::path md = dir / "md", td = dir / "td";
  REQUIRE(tuf(dir, "init",
              {"--metadata-dir", md.string(), "init",
               (repo / "metadata" / "1.root.json").string()}) == 0);
  REQUIRE(tuf(dir, "download",
              {"--metadata-dir", md.string(), "--metadata-url", server.url() + "/metadata",
               "--target-name", "file1.txt", "--target-name", "dir/file2.txt", "--target-base-url",
               server.url() + "/targets", "--target-dir", td.string(), "download"}) == 0);
  CHECK(*read_whole_file(td / "file1.txt", 100) == "file1.txt");
  CHECK(*read_whole_file(td / "dir%2Ffile2.txt", 100) == "file2.txt");
  auto requests = server.requests();
  CHECK(std::find(requests.begin(), requests.end(), "/metadata/1.snapshot.json") != requests.end());
  CHECK(std::find(requests.begin(), requests.end(), "/metadata/1.targets.json") != requests.end());

  // One flipped character in python-tuf's signed targets and the signature no longer holds.
  std::string targets = *read_whole_file(repo / "metadata" / "1.targets.json", 1 << 20);
  targets.replace(targets.find("\"length\": 9"), 11, "\"length\": 8");
  server.replace("/metadata/1.targets.json", targets);
  fs::remove_all(md);
  REQUIRE(tuf(dir, "init2",
              {"--metadata-dir", md.string(), "init",
               (repo / "metadata" / "1.root.json").string()}) == 0);
  fs::create_directories(dir / "tampered");
  ChildProcess tampered({SHUBBAK_TUF_BIN, "--metadata-dir", md.string(), "--metadata-url",
                         server.url() + "/metadata", "refresh"},
                        dir / "tampered");
  CHECK(tampered.wait(std::chrono::seconds(30)) == 1);
  CHECK(tampered.stderr_text().find("targets: 0 of 1 required signatures verify") !=
        std::string::npos);
}
