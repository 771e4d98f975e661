// A real kiosk UI in-process for tests: SDL's dummy display with the software renderer, the
// text engine, the message catalog, the event loop, a UiContext, and the app that draws only on
// change. Touches go through SDL's real input queue.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "drivers/display/display.hpp"
#include "kiosk/core/messages.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "screens/text/text_engine.hpp"
#include "screens/ui/ui_context.hpp"
#include "tests/support/png_image.hpp"

namespace shubbak::testing {

class UiHarness {
 public:
  explicit UiHarness(Language language, Size size = {1920, 1080},
                     Rotation rotation = Rotation::none);
  ~UiHarness();

  UiContext& ui() { return *m_ui; }
  KioskApp& app() { return *m_app; }
  Display& display() { return *m_display; }
  EventLoop& loop() { return *m_loop; }
  TextEngine& text() { return *m_text; }

  void show(std::unique_ptr<Screen> screen) { m_app->show(std::move(screen)); }

  // Runs the loop until `done` is true after an iteration, or `limit` passes. True if done.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Lets pending events and one frame through.
  void settle();
  // A touch at the centre of element `id` of the current screen, through SDL.
  void tap(std::string_view id);
  void tap_at(Point p);
  // Draws a frame and reads it back.
  Image screenshot();

 private:
  Logger m_logger{LogLevel::warn};
  std::unique_ptr<Display> m_display;
  std::unique_ptr<TextEngine> m_text;
  std::unique_ptr<Messages> m_messages;
  std::unique_ptr<EventLoop> m_loop;
  std::unique_ptr<UiContext> m_ui;
  std::unique_ptr<KioskApp> m_app;
  int m_shots = 0;
};

}  // namespace shubbak::testing
