// The shipped systemd unit and lock-down drop-ins, read as systemd reads them: a kiosk that
// restarts quickly and forever, a watchdog, its own user, the hardening; then systemd's own
// checks (`systemd-analyze verify` and the offline security review), which work without a
// running systemd.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/integration/service/unit_file.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_scan.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::UnitFile;

namespace {

const std::filesystem::path k_provisioning =
    std::filesystem::path(SHUBBAK_SOURCE_DIR) / "provisioning";

bool contains_word(const std::string& list, const std::string& word) {
  std::istringstream words(list);
  for (std::string each; words >> each;) {
    if (each == word) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the unit restarts the kiosk quickly and forever, with a watchdog, as its own user") {
  auto unit = UnitFile::read(k_provisioning / "systemd/shubbak.service");
  CHECK(unit.value("Service", "Type") == "notify");
  CHECK(unit.value("Service", "NotifyAccess") == "main");
  CHECK(unit.value("Service", "ExecStart") == "/usr/bin/shubbak --config /etc/shubbak/kiosk.toml");
  CHECK(unit.value("Service", "Restart") == "always");
  long long restart_ms = testing::parse_timespan_ms(unit.value("Service", "RestartSec"));
  CHECK(restart_ms >= 0);
  CHECK(restart_ms <= 4000);  // back on the attract screen within 5 s
  long long watchdog_ms = testing::parse_timespan_ms(unit.value("Service", "WatchdogSec"));
  CHECK(watchdog_ms >= 2000);  // long enough for a busy frame, short enough to matter
  CHECK(watchdog_ms <= 30000);
  CHECK(unit.value("Unit", "StartLimitIntervalSec") == "0");  // never gives up
  CHECK(unit.value("Service", "User") == "shubbak");
  CHECK(unit.value("Service", "Group") == "shubbak");
  std::string groups = unit.value("Service", "SupplementaryGroups");
  for (const char* group : {"plugdev", "lp", "video", "render", "input", "audio"}) {
    CAPTURE(group);
    CHECK(contains_word(groups, group));
  }
  CHECK(unit.value("Service", "TTYPath") == "/dev/tty1");
  CHECK(unit.value("Unit", "Conflicts") == "getty@tty1.service");
  CHECK(unit.value("Service", "StateDirectory") == "shubbak");
  CHECK(unit.value("Service", "StateDirectoryMode") == "0700");
  CHECK(unit.value("Install", "WantedBy") == "multi-user.target");
}

TEST_CASE(
    "the unit is hardened: read-only system, no capabilities, only the devices and sockets it "
    "needs") {
  auto unit = UnitFile::read(k_provisioning / "systemd/shubbak.service");
  const std::vector<std::pair<std::string, std::string>> required = {
      {"NoNewPrivileges", "yes"},
      {"ProtectSystem", "strict"},
      {"ProtectHome", "yes"},
      {"PrivateTmp", "yes"},
      {"ProtectKernelTunables", "yes"},
      {"ProtectKernelModules", "yes"},
      {"ProtectKernelLogs", "yes"},
      {"ProtectControlGroups", "yes"},
      {"RestrictNamespaces", "yes"},
      {"RestrictRealtime", "yes"},
      {"LockPersonality", "yes"},
      {"RestrictSUIDSGID", "yes"},
      {"SystemCallArchitectures", "native"},
      {"CapabilityBoundingSet", ""},
      {"AmbientCapabilities", ""},
      {"UMask", "0077"},
      {"DevicePolicy", "closed"}};
  for (const auto& [key, expected] : required) {
    CAPTURE(key);
    CHECK(unit.value("Service", key) == expected);
  }
  std::string families = unit.value("Service", "RestrictAddressFamilies");
  for (const char* family : {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"})
    CHECK(contains_word(families, family));
  CHECK_FALSE(contains_word(families, "AF_PACKET"));
  // PrivateDevices= would hide the display, the touch panel and the readers.
  CHECK_FALSE(unit.has("Service", "PrivateDevices"));
  auto devices = unit.values("Service", "DeviceAllow");
  for (const char* device :
       {"char-drm rw", "char-input r", "char-usb_device rw", "char-alsa rw", "/dev/tty1 rw"}) {
    CAPTURE(device);
    CHECK(std::find(devices.begin(), devices.end(), device) != devices.end());
  }
}

TEST_CASE(
    "the lock-down drop-ins: no spare consoles, no SysRq, no Ctrl+Alt+Del reboot, no power key") {
  auto logind = UnitFile::read(k_provisioning / "systemd/logind.conf.d/60-shubbak.conf");
  CHECK(logind.value("Login", "NAutoVTs") == "0");
  CHECK(logind.value("Login", "ReserveVT") == "0");
  CHECK(logind.value("Login", "HandlePowerKey") == "ignore");
  auto manager = UnitFile::read(k_provisioning / "systemd/system.conf.d/60-shubbak.conf");
  CHECK(manager.value("Manager", "CtrlAltDelBurstAction") == "none");
  // sysctl.d has no sections: the keys land in the unnamed one.
  auto sysctl = UnitFile::read(k_provisioning / "sysctl.d/60-shubbak.conf");
  CHECK(sysctl.value("", "kernel.sysrq") == "0");
}

TEST_CASE("systemd-analyze verify accepts the unit without a warning, and rates its exposure low") {
  testing::TempDir dir;
  // verify checks that ExecStart's program exists: point it at the build's runtime.
  std::ifstream in(k_provisioning / "systemd/shubbak.service");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rewritten = testing::replace_all(text, "ExecStart=/usr/bin/shubbak",
                                        std::string("ExecStart=") + SHUBBAK_RUNTIME_BIN);
  REQUIRE(rewritten != text);
  auto unit = dir.write("shubbak.service", rewritten);

  std::filesystem::create_directory(dir / "verify");
  testing::ChildProcess verify({SYSTEMD_ANALYZE, "verify", unit.string()}, dir / "verify");
  CHECK(verify.wait(60s) == 0);
  CHECK_MESSAGE(verify.stderr_text().empty(), verify.stderr_text());
  CHECK(verify.stdout_text().empty());

  // A broken copy must be caught the same way: the check is not blind.
  auto broken = dir.write("broken.service",
                          testing::replace_all(rewritten, "Restart=always", "Restart=often"));
  std::filesystem::create_directory(dir / "broken");
  testing::ChildProcess verify_broken({SYSTEMD_ANALYZE, "verify", broken.string()}, dir / "broken");
  verify_broken.wait(60s);
  CHECK(verify_broken.stderr_text().find("restart specifier, ignoring: often") !=
        std::string::npos);

  std::filesystem::create_directory(dir / "security");
  testing::ChildProcess security(
      {SYSTEMD_ANALYZE, "security", "--offline=true", "--no-pager", unit.string()},
      dir / "security");
  CHECK(security.wait(60s) == 0);
  std::string report = security.stdout_text() + security.stderr_text();
  auto level =
      testing::text_after(report, "Overall exposure level for shubbak.service: ", "0123456789.");
  REQUIRE_MESSAGE(level, report);
  double exposure = std::stod(*level);
  MESSAGE("systemd-analyze security exposure: " << exposure);
  CHECK(exposure <= 2.5);  // systemd calls up to 3.9 "OK"; 10 is an unprotected service
}
