// The real `shubbak` binary as systemd runs it (Type=notify, WatchdogSec=): the test plays the
// service manager with a unix datagram socket. READY=1 comes with the first frame, WATCHDOG=1
// at half the watchdog interval, STOPPING=1 on SIGTERM; killed (SIGKILL, SIGABRT) and started
// again, the kiosk is back on the attract screen at once with its transactions intact.
#include <signal.h>
#include <sys/resource.h>

#include <sqlite3.h>

#include <algorithm>

#include <doctest/doctest.h>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_scan.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::NotifySocket;
using Clock = std::chrono::steady_clock;

namespace {

std::string describe(const ChildProcess& child) {
  return "stdout:\n" + child.stdout_text() + "\nstderr:\n" + child.stderr_text();
}

std::vector<std::string> service_command(const std::filesystem::path& config) {
  return {SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()};
}

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// PRAGMA integrity_check on the kiosk's journal, through SQLite itself.
std::string integrity_of(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return "cannot open";
  }
  std::string result;
  sqlite3_exec(
      handle, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += values[0] ? values[0] : "";
        return 0;
      },
      &result, nullptr);
  sqlite3_close(handle);
  return result;
}

}  // namespace

TEST_CASE(
    "READY=1 with the first frame, WATCHDOG=1 at half WatchdogSec from the UI loop, STOPPING=1 on "
    "SIGTERM") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  NotifySocket manager(dir / "notify");
  constexpr auto watchdog = 400ms;  // WatchdogSec: pings are due every 200 ms
  ChildProcess kiosk(
      service_command(config), dir.path(),
      {manager.notify_env(), "WATCHDOG_USEC=" + std::to_string(watchdog.count() * 1000)});

  auto ready = manager.wait_for("READY=1", 30s);
  REQUIRE_MESSAGE(ready.has_value(), describe(kiosk));
  CHECK(ready->has("STATUS=in service"));
  // The interval comes from WATCHDOG_USEC, halved.
  CHECK(kiosk.stderr_text().find("watchdog: pinging the service manager every 200 ms") !=
        std::string::npos);

  std::vector<Clock::time_point> pings;
  auto until = Clock::now() + 2400ms;
  while (Clock::now() < until && pings.size() < 100) {
    auto message = manager.receive(
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    if (message && message->has("WATCHDOG=1")) pings.push_back(message->received);
  }
  INFO(describe(kiosk));
  // About 12 in 2.4 s; a loaded test machine may delay a few, never most.
  REQUIRE(pings.size() >= 8);
  CHECK(pings.size() <= 14);  // not a busy loop
  std::vector<long long> gaps;
  for (std::size_t i = 1; i < pings.size(); ++i) gaps.push_back(ms_between(pings[i - 1], pings[i]));
  std::sort(gaps.begin(), gaps.end());
  long long median = gaps[gaps.size() / 2];
  CAPTURE(median);
  CHECK(median >= 150);
  CHECK(median <= 260);

  kiosk.signal(SIGTERM);
  auto stopping = manager.wait_for("STOPPING=1", 10s);
  CHECK(stopping.has_value());
  CHECK(kiosk.wait(10s) == 0);
}

TEST_CASE("the watchdog belongs to the process systemd named: another WATCHDOG_PID gets no pings") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  NotifySocket manager(dir / "notify");
  ChildProcess kiosk(service_command(config), dir.path(),
                     {manager.notify_env(), "WATCHDOG_USEC=100000", "WATCHDOG_PID=1"});
  REQUIRE_MESSAGE(manager.wait_for("READY=1", 30s).has_value(), describe(kiosk));
  CHECK_FALSE(manager.wait_for("WATCHDOG=1", 600ms).has_value());
  kiosk.signal(SIGTERM);
  CHECK(manager.wait_for("STOPPING=1", 10s).has_value());
  CHECK(kiosk.wait(10s) == 0);
}

TEST_CASE(
    "a kiosk out of service says why in its status line, and is still READY: its screen says so "
    "too") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "data");
  dir.write("data/journal.db", std::string(16384, 'J'));  // not a database
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  NotifySocket manager(dir / "notify");
  ChildProcess kiosk(service_command(config), dir.path(), {manager.notify_env()});
  auto ready = manager.wait_for("READY=1", 30s);
  REQUIRE_MESSAGE(ready.has_value(), describe(kiosk));
  // The reason, then for the technician what was found and where the journal was moved.
  CHECK_MESSAGE(ready->text.find("STATUS=out of service: storage corrupt: ") != std::string::npos,
                ready->text);
  CHECK_MESSAGE(ready->text.find("moved aside to ") != std::string::npos, ready->text);
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(10s) == 0);
}

TEST_CASE("the status line follows the kiosk: a printer out of paper, then refilled") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "data/receipts");
  auto config =
      dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n[shell]\ndevice_poll_seconds = 1\n");
  NotifySocket manager(dir / "notify");
  ChildProcess kiosk(service_command(config), dir.path(), {manager.notify_env()});
  auto ready = manager.wait_for("READY=1", 30s);
  REQUIRE_MESSAGE(ready.has_value(), describe(kiosk));
  CHECK_MESSAGE(ready->has("STATUS=in service"), ready->text);
  dir.write("data/receipts/STATE", "media-empty\n");  // the simulated printer's roll runs out
  auto empty = manager.wait_for("STATUS=out of service: printer empty", 10s);
  CHECK_MESSAGE(empty.has_value(), describe(kiosk));
  std::filesystem::remove(dir / "data/receipts/STATE");
  auto back = manager.wait_for("STATUS=in service", 10s);
  CHECK_MESSAGE(back.has_value(), describe(kiosk));
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(10s) == 0);
}

TEST_CASE(
    "killed mid-session and started again as systemd would, the kiosk is back on the attract "
    "screen with its transactions") {
  // SIGABRT dumps core by default: not into the test directory.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\nid = \"MCT-07\"\ndata_dir = \"data\"\n");

  // The demo walks citizens through the services; it is killed while the third is at it.
  std::vector<std::string> stored_ids;
  {
    NotifySocket manager(dir / "notify-demo");
    ChildProcess demo({SHUBBAK_RUNTIME_BIN, "--demo", "--headless", "--config", config.string(),
                       "--out", (dir / "shots").string()},
                      dir.path(), {manager.notify_env(), "WATCHDOG_USEC=2000000"});
    REQUIRE_MESSAGE(demo.wait_for_stderr("stored (sequence 2)", 120s), describe(demo));
    demo.signal(SIGKILL);
    CHECK_FALSE(demo.wait(10s).has_value());  // died of the signal
    std::string log = demo.stderr_text();
    for (const auto& id : testing::all_after(log, "transaction ", testing::k_hex_and_dash)) {
      if (log.find("transaction " + id + " stored") != std::string::npos) stored_ids.push_back(id);
    }
  }
  REQUIRE(stored_ids.size() >= 2);

  // What systemd does after a crash (Restart=always): the same command line again.
  for (int signo : {SIGABRT, SIGKILL, SIGTERM}) {
    CAPTURE(signo);
    NotifySocket manager(dir / "notify");
    auto started = Clock::now();
    ChildProcess kiosk(service_command(config), dir.path(),
                       {manager.notify_env(), "WATCHDOG_USEC=2000000"});
    auto ready = manager.wait_for("READY=1", 30s);
    REQUIRE_MESSAGE(ready.has_value(), describe(kiosk));
    auto to_first_frame = ms_between(started, ready->received);
    MESSAGE("restart to attract screen (READY=1): " << to_first_frame << " ms");
    // RestartSec=1s plus this stays within the 5 s a citizen may wait.
    CHECK(to_first_frame < 4000);
    CHECK(ready->has("STATUS=in service"));  // the store opened: not out of service
    kiosk.signal(signo);
    auto code = kiosk.wait(10s);
    if (signo == SIGTERM) {
      CHECK(code == 0);
    } else {
      CHECK_FALSE(code.has_value());
    }
  }

  CHECK(integrity_of(dir / "data/journal.db") == "ok");
  testing::KioskStore kiosk_store(dir / "data", "MCT-07");
  std::vector<std::string> kept;
  for (const auto& record : kiosk_store.transactions()) kept.push_back(record.id);
  for (const auto& id : stored_ids) {
    CAPTURE(id);
    CHECK(std::find(kept.begin(), kept.end(), id) != kept.end());
  }
}
