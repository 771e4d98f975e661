// The real `shubbak` binary, headless: a scripted tap switches the language as the golden
// screenshots show, a rotated panel shows the same picture turned, a broken config is refused
// with exit code 2, and SIGTERM stops it cleanly.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <doctest/doctest.h>

#include "drivers/display/rotation.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::ChildProcess;
namespace fs = std::filesystem;

namespace {

std::string describe(const ChildProcess& child) {
  return "stdout:\n" + child.stdout_text() + "\nstderr:\n" + child.stderr_text();
}

testing::Image load(const std::filesystem::path& path) {
  auto image = testing::load_png(path);
  REQUIRE_MESSAGE(image, "cannot read " << path);
  return *image;
}

// Runs the kiosk headless with `config` and `script`; returns the exit code.
std::optional<int> run_kiosk(const testing::TempDir& dir, std::string_view config,
                             std::string_view script) {
  auto config_file = dir.write("kiosk.toml", config);
  auto script_file = dir.write("script.txt", script);
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config_file.string(),
                      "--script", script_file.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto code = kiosk.wait(30s);
  INFO(describe(kiosk));
  CHECK(code == 0);
  return code;
}

constexpr std::string_view k_switch_script = "shot before\ntap @language\nshot after\n";

}  // namespace

TEST_CASE("a tap on the language button switches the welcome screen from Arabic to English") {
  testing::TempDir dir;
  run_kiosk(dir,
            "[kiosk]\ndata_dir = \"data\"\nid = \"MCT-07\"\n[shell]\nattract_cycle_seconds = 600\n",
            k_switch_script);
  auto before = load(dir / "shots/before.png");
  auto after = load(dir / "shots/after.png");
  CHECK(before.width == 1920);
  CHECK(before.height == 1080);
  CHECK(testing::count_differences(before, after) > 1000);

  // The language button sits at the end of the reading direction: left in Arabic, right in
  // English; the header around it is the brand green.
  constexpr std::uint32_t white = 0xFFFFFF, green = 0x0B5D4B;
  CHECK(before.rgb(60, 20) == white);
  CHECK(before.rgb(1860, 20) == green);
  CHECK(after.rgb(60, 20) == green);
  CHECK(after.rgb(1860, 20) == white);

  // And everything else is as the reviewed golden images show: Arabic joined, words in order,
  // digits not reversed.
  CHECK_MESSAGE(testing::compare_with_golden(before, "welcome-ar") == "", "welcome-ar");
  CHECK_MESSAGE(testing::compare_with_golden(after, "welcome-en") == "", "welcome-en");
  CHECK(std::filesystem::is_directory(dir / "data"));
}

TEST_CASE("a panel mounted at 90 degrees shows the same screen turned, and taps still land") {
  testing::TempDir dir;
  run_kiosk(dir,
            "[kiosk]\ndata_dir = \"data\"\nid = \"MCT-07\"\n[shell]\nattract_cycle_seconds = "
            "600\n[display]\nrotation = 90\n",
            k_switch_script);
  auto before = load(dir / "shots/before.png");
  auto after = load(dir / "shots/after.png");
  REQUIRE(before.width == 1080);
  REQUIRE(before.height == 1920);
  // Turn the panel's picture back upright: it must be the unrotated Arabic screen exactly.
  auto upright = [](const testing::Image& panel) {
    testing::Image out{1920, 1080, std::vector<std::uint32_t>(1920 * 1080)};
    for (int y = 0; y < 1080; ++y) {
      for (int x = 0; x < 1920; ++x) {
        Point p = to_physical({x, y}, {1920, 1080}, Rotation::cw90);
        out.argb[static_cast<std::size_t>(y * 1920 + x)] = panel.at(p.x, p.y);
      }
    }
    return out;
  };
  CHECK_MESSAGE(testing::compare_with_golden(upright(before), "welcome-ar") == "",
                "rotated welcome-ar");
  CHECK_MESSAGE(testing::compare_with_golden(upright(after), "welcome-en") == "",
                "rotated welcome-en");
}

TEST_CASE("a broken config stops the kiosk with exit code 2 and names file, line and key") {
  testing::TempDir dir;
  auto bad = dir.write("bad.toml", "[kiosk]\nid = \"K1\"\n[display]\nrotation = 45\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", bad.string()}, dir.path());
  CHECK(kiosk.wait(30s) == 2);
  std::string err = kiosk.stderr_text();
  INFO(err);
  CHECK(err.find(bad.string() + ":4: display.rotation: expected one of 0, 90, 180, 270") !=
        std::string::npos);

  ChildProcess missing(
      {SHUBBAK_RUNTIME_BIN, "--headless", "--config", (dir / "none.toml").string()}, dir.path());
  CHECK(missing.wait(30s) == 2);
  CHECK(missing.stderr_text().find("none.toml") != std::string::npos);

  ChildProcess unknown_flag({SHUBBAK_RUNTIME_BIN, "--no-such-flag"}, dir.path());
  CHECK(unknown_flag.wait(30s) == 2);
}

TEST_CASE("SIGTERM stops a running kiosk cleanly with exit code 0") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  for (int signo : {SIGTERM, SIGINT}) {
    CAPTURE(signo);
    ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()},
                       dir.path());
    // Once it has drawn: a signal before the first frame stops it with none.
    REQUIRE_MESSAGE(kiosk.wait_for_stderr("the first frame is on the screen", 30s),
                    describe(kiosk));
    kiosk.signal(signo);
    CHECK(kiosk.wait(10s) == 0);
    std::string err = kiosk.stderr_text();
    INFO(err);
    CHECK(err.find(signo == SIGTERM ? "stopping on SIGTERM" : "stopping on SIGINT") !=
          std::string::npos);
    CHECK(err.find("stopped: 1 frames") != std::string::npos);  // idle: one frame, then asleep
  }
}

TEST_CASE("a script that names no such element fails the run") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  auto script = dir.write("s.txt", "tap @nothing-here\n");
  ChildProcess kiosk(
      {SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script", script.string()},
      dir.path());
  CHECK(kiosk.wait(30s) == 1);
  CHECK(kiosk.stderr_text().find("no element @nothing-here") != std::string::npos);
}

TEST_CASE("the configured theme and digits take effect") {
  testing::TempDir dir;
  run_kiosk(dir,
            "[kiosk]\ndata_dir = \"data\"\n[ui]\ntheme = \"high-contrast\"\n[locale]\ndigits = "
            "\"arabic-indic\"\n",
            "shot themed\n");
  auto shot = load(dir / "shots/themed.png");
  CHECK(shot.rgb(960, 600) == 0x000000u);  // black page
  CHECK(shot.rgb(960, 20) == 0xFFDD00u);   // yellow header
}

TEST_CASE(
    "--config naming no usable file is exit 2 with the file and the reason, and nothing is made") {
  // Before, a directory read as an empty file: the kiosk ran on the built-in defaults and made
  // a new device key and journal in its working directory.
  testing::TempDir dir;
  fs::path cwd = dir / "cwd";
  fs::create_directories(cwd);
  fs::create_directories(dir / "conf.d");
  // The kiosk runs in `cwd` (env -C), so anything it made there would show.
  auto run = [&](const std::string& config, bool as_nobody = false) {
    std::vector<std::string> argv;
    if (as_nobody) argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    argv.insert(argv.end(), {"/usr/bin/env", "-C", cwd.string(), SHUBBAK_RUNTIME_BIN, "--headless",
                             "--config", config});
    ChildProcess kiosk(argv, dir.path());
    auto code = kiosk.wait(30s);
    return std::pair{code, kiosk.stderr_text()};
  };
  auto refused = [&](const std::string& config, const std::string& reason, bool as_nobody = false) {
    CAPTURE(config);
    auto [code, err] = run(config, as_nobody);
    INFO(err);
    CHECK(code == 2);
    CHECK(err.find(reason) != std::string::npos);
  };

  refused((dir / "conf.d").string(),
          "the configuration " + (dir / "conf.d").string() + " is a directory, not a file");
  refused("", "no configuration file named (an empty path)");
  refused((dir / "absent.toml").string(),
          (dir / "absent.toml").string() + ": No such file or directory");
  refused("/dev/null", "the configuration /dev/null is a device, pipe or socket, not a file");

  // Unreadable: root reads any file, so as root the kiosk runs as nobody for this one.
  auto locked = dir.write("locked.toml", "[kiosk]\nid = \"MCT-07\"\n");
  fs::permissions(locked, fs::perms::none);
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(cwd, fs::perms::all);
  refused(locked.string(),
          "cannot read the configuration " + locked.string() + ": Permission denied",
          ::geteuid() == 0);

  std::string big = "[kiosk]\nid = \"MCT-07\"\n" + std::string(2 * 1024 * 1024, '#') + "\n";
  auto huge = dir.write("huge.toml", big);
  refused(huge.string(),
          huge.string() + ": " + std::to_string(big.size()) + " bytes, more than the 1048576");

  std::string deep = "[kiosk]\n";
  for (int i = 0; i < 100000; ++i) deep += "a.";
  auto deep_file = dir.write("deep.toml", deep + "b = 1\n");
  refused(deep_file.string(),
          deep_file.string() + ":2: more than 16 dots outside strings on one line");

  // The hostile corpus, each with the reason its .expected file names (see config_test).
  int cases = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(SHUBBAK_SOURCE_DIR) / "tests/fixtures/hostile/kiosk-toml")) {
    if (entry.path().extension() != ".toml") continue;
    ++cases;
    std::ifstream in(fs::path(entry.path()).replace_extension(".expected"));
    std::string expected;
    std::getline(in, expected);
    refused(entry.path().string(), entry.path().string() + expected);
  }
  CHECK(cases >= 15);

  // A touch script that is a directory is refused too, not run as an empty script.
  auto config = dir.write("ok.toml", "[kiosk]\ndata_dir = \"data\"\n");
  ChildProcess scripted({"/usr/bin/env", "-C", cwd.string(), SHUBBAK_RUNTIME_BIN, "--headless",
                         "--config", config.string(), "--script", (dir / "conf.d").string()},
                        dir.path());
  CHECK(scripted.wait(30s) == 2);
  CHECK(scripted.stderr_text().find((dir / "conf.d").string() + " is not a file") !=
        std::string::npos);
  CHECK(fs::is_empty(cwd));
}

TEST_CASE(
    "a healthy start logs nothing at error level, and a kiosk without speakers says so once") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  // No audio driver chosen for it (an empty value is unset): whatever this machine has.
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path(),
                     {"SDL_AUDIODRIVER="});
  // Speech starts after the first frame, with the rest of what waits for it.
  REQUIRE_MESSAGE(kiosk.wait_for_stderr("started after the first frame", 30s), describe(kiosk));
  kiosk.signal(SIGTERM);
  CHECK(kiosk.wait(10s) == 0);
  std::string err = kiosk.stderr_text();
  INFO(err);
  CHECK(err.find(" error ") == std::string::npos);
  CHECK(err.find("ALSA lib") == std::string::npos);  // libasound's own noise, line after line
  std::error_code ec;
  bool speakers = fs::exists("/proc/asound/cards", ec) || std::getenv("PULSE_SERVER") != nullptr;
  if (!speakers) {
    CHECK(err.find("info  kiosk: speech is off: this machine has no sound card and no sound "
                   "server") != std::string::npos);
  }
}
