// Wires the runtime together on the UI thread: shows one screen at a time, routes touches to
// it, and draws a frame only when something changed (or a screenshot asks for one).
//
// Threading: UI thread only; other threads reach it through EventLoop::post().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "drivers/display/display.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "screens/ui/screen.hpp"

namespace shubbak {

class KioskApp {
 public:
  KioskApp(EventLoop& loop, Display& display, Log log);
  KioskApp(const KioskApp&) = delete;
  KioskApp& operator=(const KioskApp&) = delete;

  void show(std::unique_ptr<Screen> screen);
  Screen* screen() const { return m_screen.get(); }

  // Saves the next frame; draws one even if nothing changed, since the caller asked for it.
  void request_screenshot(std::filesystem::path png, std::function<void(Expected<void>)> done);
  void on_first_frame(std::function<void()> handler) { m_on_first_frame = std::move(handler); }
  // Any touch or key: someone is at the kiosk.
  void on_activity(std::function<void()> handler) { m_on_activity = std::move(handler); }
  // Each screen put up, and again when it asks to be read again (spoken guidance listens).
  void on_screen_shown(std::function<void(const Screen&)> handler) {
    m_on_screen_shown = std::move(handler);
  }

  std::uint64_t frames_drawn() const { return m_display.frames_presented(); }

  // Sees every key before the screen does; true keeps it from the screen (spoken guidance's
  // keypad keys).
  void set_key_filter(std::function<bool(const KeyEvent&)> filter) {
    m_key_filter = std::move(filter);
  }
  // Privacy: the screen shows black while the voice goes on; touches and keys still work.
  void set_blanked(bool blanked);
  bool blanked() const { return m_blanked; }

 private:
  void draw_if_needed();

  EventLoop& m_loop;
  Display& m_display;
  Log m_log;
  std::unique_ptr<Screen> m_screen;
  bool m_dirty = true;
  std::function<void()> m_on_first_frame;
  std::function<void()> m_on_activity;
  std::function<void(const Screen&)> m_on_screen_shown;
  std::function<bool(const KeyEvent&)> m_key_filter;
  bool m_blanked = false;
};

}  // namespace shubbak
