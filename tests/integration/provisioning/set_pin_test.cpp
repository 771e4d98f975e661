// `shubbakctl kiosk set-pin`, the real binary as a child process: PINs piped on stdin (and typed
// on a pseudo-terminal, to see that echo is off), the printed hash checked with verify_pin, and
// kiosk.toml files edited in place, checked with load_config, a line diff and their mode.
#include <doctest/doctest.h>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "kiosk/core/config.hpp"
#include "kiosk/crypto/pin_hash.hpp"
#include "provisioning/shubbakctl/config_line_edit.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_scan.hpp"

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

namespace {

constexpr auto k_limit = std::chrono::seconds(30);
const fs::path k_shipped_config = fs::path(SHUBBAK_SOURCE_DIR) / "provisioning/etc/kiosk.toml";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

struct Run {
  int exit_code = -1;
  std::string out, err;
};

class SetPin {
 public:
  // Runs `shubbakctl kiosk set-pin [--config FILE]` with `input` on stdin.
  Run run(const std::string& input, std::optional<fs::path> config = std::nullopt,
          std::vector<std::string> extra_args = {}) {
    fs::path dir = m_dir / ("run-" + std::to_string(++m_runs));
    fs::create_directories(dir);
    fs::path stdin_file = m_dir.write("stdin-" + std::to_string(m_runs), input);
    std::vector<std::string> args{SHUBBAK_CTL_BIN, "kiosk", "set-pin"};
    if (config) args.insert(args.end(), {"--config", config->string()});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ChildProcess child(std::move(args), dir, {}, stdin_file);
    auto code = child.wait(k_limit);
    return Run{code.value_or(-1), child.stdout_text(), child.stderr_text()};
  }

  fs::path copy_of_shipped_config(const std::string& name, fs::perms mode) {
    fs::path copy = m_dir / name;
    fs::copy_file(k_shipped_config, copy);
    fs::permissions(copy, mode);
    return copy;
  }

  const TempDir& dir() const { return m_dir; }

 private:
  TempDir m_dir;
  int m_runs = 0;
};

std::string hash_in(const std::string& text) {
  // pin_hash = "scrypt$ln=15$r=8$p=1$SALT$HASH"
  const std::string prefix = "scrypt$ln=15$r=8$p=1$";
  std::size_t end = 0;
  auto salt = testing::text_after(text, "pin_hash = \"" + prefix, testing::k_base64, 0, &end);
  REQUIRE_MESSAGE(salt, text);
  REQUIRE_MESSAGE(end < text.size(), text);
  REQUIRE_MESSAGE(text[end] == '$', text);
  std::size_t hash_end = 0;
  auto hash = testing::text_after(text, "$", testing::k_base64, end, &hash_end);
  REQUIRE_MESSAGE(hash, text);
  REQUIRE_MESSAGE(hash_end < text.size(), text);
  REQUIRE_MESSAGE(text[hash_end] == '"', text);
  return prefix + *salt + "$" + *hash;
}

void check_never_shows(const Run& run, const std::string& pin) {
  CHECK(run.out.find(pin) == std::string::npos);
  CHECK(run.err.find(pin) == std::string::npos);
}

bool verifies(const std::string& pin, const std::string& encoded) {
  auto ok = verify_pin(pin, encoded);
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().describe()));
  return *ok;
}

}  // namespace

TEST_CASE("set-pin prints a pin_hash line that verifies for that PIN only") {
  SetPin set_pin;
  auto run = set_pin.run("482913\n482913\n");
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  // Exactly one line: pin_hash = "scrypt$...", nothing else.
  CHECK(run.out.starts_with("pin_hash = \"scrypt$"));
  CHECK(run.out.ends_with("\"\n"));
  CHECK(run.out.find('\n') == run.out.size() - 1);
  CHECK(run.out.find('"', 12) == run.out.size() - 2);
  std::string encoded = hash_in(run.out);
  CHECK(verifies("482913", encoded));
  CHECK_FALSE(verifies("482914", encoded));
  CHECK_FALSE(verifies("123456", encoded));
  check_never_shows(run, "482913");

  // A fresh salt each time: the same PIN never gives the same line twice.
  auto again = set_pin.run("482913\n482913\n");
  REQUIRE(again.exit_code == 0);
  CHECK(hash_in(again.out) != encoded);
  CHECK(verifies("482913", hash_in(again.out)));

  // A pipe from Windows ends lines with CR LF; the CR is not part of the PIN.
  auto crlf = set_pin.run("55667788\r\n55667788\r\n");
  REQUIRE(crlf.exit_code == 0);
  CHECK(verifies("55667788", hash_in(crlf.out)));
}

TEST_CASE("set-pin refuses mismatched and malformed PINs with exit 1 and writes nothing") {
  SetPin set_pin;
  fs::path config = set_pin.copy_of_shipped_config("kiosk.toml", fs::perms(0640));
  const std::string before = read_file(config);

  struct Refusal {
    std::string input, secret, reason;
  };
  for (const Refusal& refusal : std::vector<Refusal>{
           {"482913\n482931\n", "48291", "the two PINs differ"},
           {"48291\n48291\n", "48291", "6 to 12 digits"},
           {"4829130000123\n4829130000123\n", "4829130000123", "6 to 12 digits"},
           {"48a913\n48a913\n", "48a913", "digits only"},
           {"482 913\n482 913\n", "482 913", "digits only"},
           {"\n\n", "<nothing typed>", "6 to 12 digits"},
           {"", "<nothing typed>", "no PIN was given"},
           {"482913\n", "482913", "the PIN was not repeated"},
       }) {
    CAPTURE(refusal.reason);
    for (bool with_config : {false, true}) {
      auto run = set_pin.run(refusal.input, with_config ? std::optional(config) : std::nullopt);
      CHECK(run.exit_code == 1);
      CHECK(run.out.empty());
      CHECK(run.err.find(refusal.reason) != std::string::npos);
      CHECK(run.err.find("nothing was changed") != std::string::npos);
      check_never_shows(run, refusal.secret);
    }
  }
  CHECK(read_file(config) == before);
  CHECK(mode_of(config) == 0640);
  // No temporary file left beside it.
  CHECK(std::distance(fs::directory_iterator(config.parent_path()), fs::directory_iterator()) ==
        1 + 2 * 8 * 2);  // the config, and a run directory and stdin file per run
}

TEST_CASE("set-pin --config sets pin_hash in the shipped kiosk.toml and changes nothing else") {
  SetPin set_pin;
  fs::path config = set_pin.copy_of_shipped_config("kiosk.toml", fs::perms(0640));
  const auto before = lines_of(read_file(config));

  auto run = set_pin.run("73019264\n73019264\n", config);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  check_never_shows(run, "73019264");
  CHECK(run.out.find(config.string()) != std::string::npos);

  auto loaded = load_config(config);
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().describe()));
  CHECK(verifies("73019264", loaded->technician.pin_hash));
  CHECK_FALSE(verifies("73019265", loaded->technician.pin_hash));
  CHECK(mode_of(config) == 0640);

  // The diff: one line added, right below the commented example, every other line as it was.
  const auto after = lines_of(read_file(config));
  REQUIRE(after.size() == before.size() + 1);
  auto example = std::find_if(before.begin(), before.end(),
                              [](const std::string& l) { return l.starts_with("# pin_hash = "); });
  REQUIRE(example != before.end());
  auto added = static_cast<std::size_t>(example - before.begin()) + 1;
  CHECK(after[added] == "pin_hash = \"" + loaded->technician.pin_hash + "\"");
  std::vector<std::string> without_added = after;
  without_added.erase(without_added.begin() + static_cast<std::ptrdiff_t>(added));
  CHECK(without_added == before);

  // Again with another PIN: the line is replaced in place, the old PIN no longer works.
  auto second = set_pin.run("11223344\n11223344\n", config);
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  auto reloaded = load_config(config);
  REQUIRE(reloaded);
  CHECK(verifies("11223344", reloaded->technician.pin_hash));
  CHECK_FALSE(verifies("73019264", reloaded->technician.pin_hash));
  const auto replaced = lines_of(read_file(config));
  REQUIRE(replaced.size() == after.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (i != added) CHECK(replaced[i] == after[i]);
  }
  CHECK(mode_of(config) == 0640);
}

TEST_CASE("set-pin --config appends [technician] to a config without it") {
  SetPin set_pin;
  const std::string before =
      "# a small kiosk\n[kiosk]\nid = \"muscat-0042\"   # set at enrolment\n\n[log]\nlevel = "
      "\"warn\"";
  fs::path config = set_pin.dir().write("small.toml", before);
  fs::permissions(config, fs::perms(0600));

  auto run = set_pin.run("90817263\n90817263\n", config);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  auto loaded = load_config(config);
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().describe()));
  CHECK(loaded->kiosk.id == "muscat-0042");
  CHECK(loaded->log.level == LogLevel::warn);
  CHECK(verifies("90817263", loaded->technician.pin_hash));
  CHECK(read_file(config) ==
        before + "\n\n[technician]\npin_hash = \"" + loaded->technician.pin_hash + "\"\n");
  CHECK(mode_of(config) == 0600);
}

TEST_CASE("set-pin --config: file errors exit 2 and leave the file as it was") {
  SetPin set_pin;
  auto missing = set_pin.run("482913\n482913\n", set_pin.dir() / "absent.toml");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("absent.toml") != std::string::npos);
  CHECK_FALSE(fs::exists(set_pin.dir() / "absent.toml"));

  // A file the kiosk would refuse is not edited: the technician fixes it first.
  const std::string broken = "[technician]\nmax_failures = 500\n";
  fs::path config = set_pin.dir().write("broken.toml", broken);
  auto refused = set_pin.run("482913\n482913\n", config);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("max_failures") != std::string::npos);
  CHECK(read_file(config) == broken);
  check_never_shows(refused, "482913");

  // What a line edit cannot do right is refused too: here the section comes from a dotted key,
  // so an appended [technician] would define it twice.
  const std::string dotted = "technician.max_failures = 3\n";
  fs::path dotted_config = set_pin.dir().write("dotted.toml", dotted);
  auto unsafe = set_pin.run("482913\n482913\n", dotted_config);
  CHECK(unsafe.exit_code == 2);
  CHECK(unsafe.err.find("set it by hand") != std::string::npos);
  CHECK(read_file(dotted_config) == dotted);

  auto usage = set_pin.run("", std::nullopt, {"--no-such-option"});
  CHECK(usage.exit_code == 2);
}

TEST_CASE("the pin_hash line edit keeps indentation, comments and line endings") {
  const std::string hash = "scrypt$ln=15$r=8$p=1$c2FsdA==$aGFzaA==";
  CHECK(provision::with_pin_hash(
            "[technician]\n  pin_hash = \"old\"   # set 2024\nmax_failures = 5\n", hash) ==
        "[technician]\n  pin_hash = \"" + hash + "\"   # set 2024\nmax_failures = 5\n");
  CHECK(provision::with_pin_hash("[kiosk]\r\nid = \"a\"\r\n[technician]\r\nidle_seconds = 60\r\n",
                                 hash) == "[kiosk]\r\nid = \"a\"\r\n[technician]\r\npin_hash = \"" +
                                              hash + "\"\r\nidle_seconds = 60\r\n");
  CHECK(provision::with_pin_hash("[technician]", hash) ==
        "[technician]\npin_hash = \"" + hash + "\"\n");
  CHECK(provision::with_pin_hash("", hash) == "[technician]\npin_hash = \"" + hash + "\"\n");
  // A [technician] inside a multi-line string is text, not a table.
  CHECK(provision::with_pin_hash("[kiosk]\nnote = \"\"\"\n[technician]\n\"\"\"\n", hash) ==
        "[kiosk]\nnote = \"\"\"\n[technician]\n\"\"\"\n\n[technician]\npin_hash = \"" + hash +
            "\"\n");
  // Another table's pin_hash is left alone.
  CHECK(provision::with_pin_hash("[other]\npin_hash = \"x\"\n[technician]\n", hash) ==
        "[other]\npin_hash = \"x\"\n[technician]\npin_hash = \"" + hash + "\"\n");
}

TEST_CASE("set-pin on a terminal does not echo the PIN") {
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl(SHUBBAK_CTL_BIN, SHUBBAK_CTL_BIN, "kiosk", "set-pin", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Whatever happens below, the child is stopped by pid.
  struct Reaper {
    pid_t pid;
    int master;
    int status = -1;
    bool reaped = false;
    ~Reaper() {
      if (!reaped) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
      ::close(master);
    }
  } child{pid, master, -1, false};

  std::string seen;
  auto read_until = [&](const std::string& text) {
    auto deadline = std::chrono::steady_clock::now() + k_limit;
    while (seen.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd ready{master, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0) continue;
      char buffer[512];
      ssize_t got = ::read(master, buffer, sizeof buffer);
      if (got <= 0) break;  // EIO once the child has closed the terminal
      seen.append(buffer, static_cast<std::size_t>(got));
    }
    return seen.find(text) != std::string::npos;
  };
  REQUIRE_MESSAGE(read_until("PIN (6 to 12 digits): "), seen);
  REQUIRE(::write(master, "615243\n", 7) == 7);
  REQUIRE_MESSAGE(read_until("The same PIN again: "), seen);
  REQUIRE(::write(master, "615243\n", 7) == 7);
  REQUIRE_MESSAGE(read_until("\"\r\n"), seen);

  auto deadline = std::chrono::steady_clock::now() + k_limit;
  while (!child.reaped && std::chrono::steady_clock::now() < deadline) {
    child.reaped = ::waitpid(pid, &child.status, WNOHANG) == pid;
    if (!child.reaped) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(child.reaped);
  CHECK(WIFEXITED(child.status));
  CHECK(WEXITSTATUS(child.status) == 0);
  CHECK(seen.find("615243") == std::string::npos);
  CHECK(verifies("615243", hash_in(seen)));
}
