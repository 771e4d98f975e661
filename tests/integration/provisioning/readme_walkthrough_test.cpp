// README.md's admin walk-through, run as it is written: the shell block after the
// "admin-walkthrough" marker is extracted from the README and run, command by command (sh -e:
// the first failing command fails the test), in a fresh directory beside a link to this build
// and to the assets, on the real shubbakctl, shubbak-portal, shubbak-tuf and openssl. When the
// README and the tools drift apart, this fails. Then the results are checked: a 2-of-3 root
// co-signed by two key directories, a kiosk provisioned whose self-test verified the
// repository over mutual TLS, and version 1.1.0 of the service fetched by the kiosk's TUF client
// from a plain static web server.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fenced block right after the marker line; empty when the README has none.
std::string walkthrough_block(const std::string& readme) {
  auto marker = readme.find("<!-- admin-walkthrough");
  if (marker == std::string::npos) return {};
  auto open = readme.find("```sh\n", marker);
  if (open == std::string::npos) return {};
  open += 6;
  auto close = readme.find("\n```", open);
  if (close == std::string::npos) return {};
  return readme.substr(open, close - open + 1);
}

// A loopback port nobody listens on now (the kernel's choice).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Servers the walk-through started in the background, stopped by the pid it wrote, if the
// block failed before its own `kill`.
void stop_background(const fs::path& pid_file) {
  std::string text = read_text(pid_file);
  if (text.empty()) return;
  pid_t pid = static_cast<pid_t>(std::stol(text));
  if (pid > 1 && ::kill(pid, 0) == 0) ::kill(pid, SIGTERM);
}

}  // namespace

TEST_CASE("the README's admin walk-through runs as written, command by command") {
  std::string block = walkthrough_block(read_text(fs::path(SHUBBAK_SOURCE_DIR) / "README.md"));
  REQUIRE_MESSAGE(!block.empty(), "README.md has no admin-walkthrough block");
  // The walk-through covers what the issue asks of it; a README that drops a step fails here.
  for (const char* step :
       {"init --root-keys 3 --root-threshold 2", "--co-signer-keys", "delegate", " add ",
        "publish --out published", "fingerprint", "shubbak-portal", "issue-token",
        "kiosk provision", "resign", "http.server", "shubbak-tuf"}) {
    CAPTURE(step);
    CHECK(block.find(step) != std::string::npos);
  }

  testing::TempDir dir;
  fs::create_directory_symlink(SHUBBAK_BINARY_DIR, dir / "build");
  fs::create_directory_symlink(fs::path(SHUBBAK_SOURCE_DIR) / "assets", dir / "assets");
  auto script = dir.write("walkthrough.sh", block);
  fs::create_directories(dir / "out");
  int port = free_port();
  int web_port = free_port();
  while (web_port == port) web_port = free_port();
  testing::ChildProcess shell(
      {"/bin/sh", "-c", "cd '" + dir.path().string() + "' && exec /bin/sh -e -x walkthrough.sh"},
      dir / "out", {"PORT=" + std::to_string(port), "WEB_PORT=" + std::to_string(web_port)});
  auto code = shell.wait(240s);
  fs::path work = dir / "admin-try";
  stop_background(work / "portal.pid");
  stop_background(work / "web.pid");
  std::string out = shell.stdout_text();
  std::string err = shell.stderr_text();
  INFO("stdout:\n"
       << out << "\nstderr (sh -x trace):\n"
       << err << "\nportal:\n"
       << read_text(work / "portal.log"));
  REQUIRE(code == 0);

  // Every command line of the block ran (sh -x traces each), in order, to the last one.
  CHECK(err.find("+ kill ") != std::string::npos);

  // Step 1-2: a root of version 2, threshold 2 of 3, signed by Alice's and Bob's keys, though
  // neither directory holds both.
  auto root = nlohmann::json::parse(read_text(work / "repo/metadata/root.json"));
  CHECK(root["signed"]["version"] == 2);
  CHECK(root["signed"]["roles"]["root"]["threshold"] == 2);
  CHECK(root["signed"]["roles"]["root"]["keyids"].size() == 3);
  CHECK(root["signatures"].size() == 2);
  CHECK_FALSE(fs::exists(work / "alice-keys/root-2.pem"));
  CHECK(fs::exists(work / "bob-keys/root-2.pem"));
  // Nothing private was published.
  for (const auto& entry : fs::recursive_directory_iterator(work / "published"))
    CHECK(read_text(entry.path()).find("PRIVATE KEY") == std::string::npos);

  // Step 6: the kiosk enrolled, and its self-test verified the repository through the portal.
  CHECK(out.find("PASS updates") != std::string::npos);
  CHECK(out.find("Kiosk provisioned: every check passed") != std::string::npos);
  CHECK(fs::exists(work / "kiosk/data/kiosk-tls.pem"));

  // Step 8-9: the new version, verified from a plain web server by the kiosk's TUF client.
  std::string fetched =
      read_text(work / "kiosk-view/targets/services%2Fjordan-health%2Fappointment.json");
  CHECK(fetched.find("\"version\": \"1.1.0\"") != std::string::npos);
}
