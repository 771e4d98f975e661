// The real `shubbak` binary, headless, with SHUBBAK_STARTUP_TRACE set: it names each phase
// before its first frame (display, window, renderer, fonts and ICU, message catalog, store,
// devices), and the subsystems moved after the first frame (printer monitor, speech and audio,
// updates, the store's watch and uploader) still come up, after it.
#include <signal.h>

#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
using shubbak::testing::ChildProcess;

namespace {

struct TraceLine {
  std::string kind;  // phase, beside, deferred or first-frame
  std::string name;
  double at_ms = -1;
};

std::vector<TraceLine> trace_lines(const std::string& stderr_text) {
  std::vector<TraceLine> lines;
  std::istringstream in(stderr_text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("startup-trace ")) continue;
    std::istringstream words(line.substr(14));
    std::string what, word;
    words >> what;
    TraceLine entry;
    auto eq = what.find('=');
    entry.kind = what.substr(0, eq);
    if (eq != std::string::npos) entry.name = what.substr(eq + 1);
    if (entry.kind == "first-frame") entry.name.clear();
    while (words >> word) {
      if (word.starts_with("at=")) entry.at_ms = std::stod(word.substr(3));
    }
    lines.push_back(entry);
  }
  return lines;
}

const TraceLine* find(const std::vector<TraceLine>& lines, std::string_view kind,
                      std::string_view name) {
  for (const auto& line : lines)
    if (line.kind == kind && line.name == name) return &line;
  return nullptr;
}

}  // namespace

TEST_CASE("the start-up trace names each phase, and deferred subsystems come up after the frame") {
  shubbak::testing::TempDir dir;
  auto config = dir.write("kiosk.toml",
                          "[kiosk]\ndata_dir = \"data\"\n[printer]\nuri = \"sim://receipts\"\n"
                          "[shell]\nattract_cycle_seconds = 600\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string()}, dir.path(),
                     {"SHUBBAK_STARTUP_TRACE=1"});
  // The last deferred part, then a clean stop.
  bool up = kiosk.wait_for_stderr("deferred=store_watch_and_uploader", 20s);
  kiosk.signal(SIGTERM);
  auto code = kiosk.wait(10s);
  std::string err = kiosk.stderr_text();
  INFO(err);
  REQUIRE(up);
  CHECK(code == 0);

  auto lines = trace_lines(err);
  const TraceLine* frame = find(lines, "first-frame", "");
  REQUIRE(frame != nullptr);
  CHECK(frame->at_ms > 0);
  for (std::string_view phase :
       {"config", "message_catalog", "display_connection", "window", "renderer",
        "wait_for_fonts_and_ICU", "wait_for_store", "devices", "service_catalog_and_shell",
        "welcome_screen", "first_frame_drawn"}) {
    const TraceLine* line = find(lines, "phase", phase);
    CHECK_MESSAGE(line != nullptr, "phase " << phase);
    if (line) CHECK(line->at_ms <= frame->at_ms);
  }
  for (std::string_view beside : {"fonts_and_ICU", "store"}) {
    const TraceLine* line = find(lines, "beside", beside);
    CHECK_MESSAGE(line != nullptr, "beside " << beside);
    if (line) CHECK(line->at_ms <= frame->at_ms);
  }
  // Started after the first frame, every one of them.
  for (std::string_view deferred :
       {"printer_monitor", "speech_and_audio", "updates_(TUF)", "store_watch_and_uploader"}) {
    const TraceLine* line = find(lines, "deferred", deferred);
    CHECK_MESSAGE(line != nullptr, "deferred " << deferred);
    if (line) CHECK(line->at_ms >= frame->at_ms);
  }
  // Nothing deferred is in the phases before the frame.
  CHECK(find(lines, "phase", "speech_and_audio") == nullptr);
}

TEST_CASE("without SHUBBAK_STARTUP_TRACE the kiosk prints no trace") {
  shubbak::testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  ChildProcess kiosk(
      {SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--exit-after-first-frame"},
      dir.path());
  CHECK(kiosk.wait(20s) == 0);
  CHECK(kiosk.stdout_text().find("first-frame") != std::string::npos);
  CHECK(kiosk.stderr_text().find("startup-trace") == std::string::npos);
}
