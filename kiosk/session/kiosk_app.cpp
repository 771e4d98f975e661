#include "kiosk/session/kiosk_app.hpp"

namespace shubbak {

KioskApp::KioskApp(EventLoop& loop, Display& display, Log log)
    : m_loop(loop), m_display(display), m_log(std::move(log)) {
  m_display.on_pointer([this](const PointerEvent& event) {
    if (event.kind == PointerEvent::Kind::down && m_on_activity) m_on_activity();
    if (m_screen) m_screen->on_pointer(event);
  });
  m_display.on_key([this](const KeyEvent& event) {
    if (m_on_activity) m_on_activity();
    if (m_key_filter && m_key_filter(event)) return;
    if (m_screen) m_screen->on_key(event);
  });
  m_display.on_redraw_needed([this] { m_dirty = true; });
  m_loop.add_before_sleep([this] { draw_if_needed(); });
}

void KioskApp::show(std::unique_ptr<Screen> screen) {
  // The old screen may be showing the next one from inside its own touch handler: keep it alive
  // until that handler has returned.
  if (m_screen) m_loop.post([old = std::shared_ptr<Screen>(std::move(m_screen))] {});
  m_screen = std::move(screen);
  if (m_screen) m_screen->on_changed([this] { m_dirty = true; });
  if (m_screen) {
    m_screen->on_speak_again([this] {
      if (m_on_screen_shown && m_screen) m_on_screen_shown(*m_screen);
    });
  }
  m_dirty = true;
  if (m_on_screen_shown && m_screen) m_on_screen_shown(*m_screen);
}

void KioskApp::set_blanked(bool blanked) {
  if (blanked == m_blanked) return;
  m_blanked = blanked;
  m_dirty = true;
}

void KioskApp::request_screenshot(std::filesystem::path png,
                                  std::function<void(Expected<void>)> done) {
  m_display.request_screenshot(std::move(png), std::move(done));
  m_dirty = true;
}

void KioskApp::draw_if_needed() {
  if (!m_dirty || !m_screen) return;
  m_dirty = false;
  Canvas& canvas = m_display.begin_frame();
  if (m_blanked) {
    canvas.clear({0, 0, 0});
  } else {
    m_screen->draw(canvas);
  }
  m_display.present();
  if (m_display.frames_presented() == 1 && m_on_first_frame) m_on_first_frame();
}

}  // namespace shubbak
