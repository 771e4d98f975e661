// Scripted touches for the headless demo and end-to-end tests: the script drives the real
// runtime through the display's real input queue and saves screenshots along the way.
//
// One command a line; '#' starts a comment:
//   tap @ELEMENT      touch the centre of a screen element (e.g. @language), waiting up to 3 s
//                     for it to appear
//   tap X Y           touch a logical point
//   type TEXT         type TEXT (the rest of the line) into the focused field, as a USB keyboard
//   wait MS           let MS milliseconds pass
//   shot NAME         save the next frame as NAME.png in the output directory
//   quit              stop the kiosk (exit code 0); the end of the script does the same
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/session/kiosk_app.hpp"

namespace shubbak {

struct ScriptStep {
  enum class Kind { tap, type, wait, shot, quit };
  Kind kind;
  std::string element;  // tap @element
  Point point;          // tap X Y
  int milliseconds = 0;
  std::string name;  // shot NAME; type TEXT
  int line = 0;
};

Expected<std::vector<ScriptStep>> parse_touch_script(std::string_view text,
                                                     std::string_view source);

// The scripted session `./shubbak demo` runs headless.
std::string_view demo_touch_script();

class ScriptRunner {
 public:
  // `finished` receives the exit code: 0 when every step worked, 1 when one failed.
  ScriptRunner(EventLoop& loop, Display& display, KioskApp& app, std::vector<ScriptStep> steps,
               std::filesystem::path out_dir, Log log, std::function<void(int)> finished);

  void start();
  const std::vector<std::filesystem::path>& screenshots() const { return m_screenshots; }

 private:
  void step();
  void next();
  void stop(int exit_code);

  EventLoop& m_loop;
  Display& m_display;
  KioskApp& m_app;
  std::vector<ScriptStep> m_steps;
  std::size_t m_index = 0;
  int m_element_tries = 0;
  std::filesystem::path m_out_dir;
  Log m_log;
  std::function<void(int)> m_finished;
  std::vector<std::filesystem::path> m_screenshots;
};

}  // namespace shubbak
