#include "kiosk/session/spoken_guidance.hpp"

#include <algorithm>

#include "screens/workflow/step_speech.hpp"

namespace shubbak {

SpokenGuidance::SpokenGuidance(UiContext& ui, KioskApp& app, Speaker& speaker, Log log)
    : m_ui(ui), m_app(app), m_speaker(speaker), m_log(std::move(log)) {
  m_app.on_screen_shown([this](const Screen& screen) {
    if (m_enabled && !m_paused) read(screen, false);
  });
  m_app.set_key_filter([this](const KeyEvent& event) { return on_key(event); });
  m_ui.on_announce([this](const std::string& text) {
    if (m_enabled && !m_paused) say(text);
  });
}

SpokenGuidance::~SpokenGuidance() {
  m_app.on_screen_shown(nullptr);
  m_app.set_key_filter(nullptr);
  m_ui.on_announce(nullptr);
}

void SpokenGuidance::set_enabled(bool on) {
  if (on == m_enabled) return;
  m_enabled = on;
  m_last.clear();
  if (!on) {
    m_speaker.stop();
    // The next citizen starts from the kiosk's own voice and a visible screen.
    m_paused = false;
    m_volume = k_default_volume;
    m_rate = k_default_rate;
    m_speaker.set_volume(m_volume);
    m_speaker.set_rate(m_rate);
    m_app.set_blanked(false);
  }
}

void SpokenGuidance::say(const std::string& text) {
  m_speaker.say(with_spoken_decimal_point(text, m_ui.messages(), m_ui.language()), m_ui.language());
}

bool SpokenGuidance::start_reading(std::string_view why) {
  if (m_enabled) return false;
  m_log.info("{}: spoken guidance on", why);
  set_enabled(true);
  if (m_app.screen()) read(*m_app.screen(), true);
  return true;
}

bool SpokenGuidance::start_from_keypad() {
  return start_reading("the keypad was used");
}

void SpokenGuidance::start_for_headphones() {
  start_reading("headphones were plugged in");
}

bool SpokenGuidance::on_key(const KeyEvent& event) {
  auto level = [this](std::string_view key, int value) {
    say(m_ui.messages().format(key, m_ui.language(), {{"level", std::to_string(value)}}));
  };
  switch (event.kind) {
    case KeyEvent::Kind::tab:
    case KeyEvent::Kind::up:
    case KeyEvent::Kind::down:
      // The first key of the keypad starts the voice with the whole screen; the next ones move.
      return start_from_keypad();
    case KeyEvent::Kind::help:
      start_from_keypad();
      m_paused = false;
      say(std::string(m_ui.message("speech.help")));
      return true;
    case KeyEvent::Kind::repeat:
      if (start_from_keypad()) return true;
      m_paused = false;
      repeat();
      return true;
    case KeyEvent::Kind::pause:
      if (start_from_keypad()) return true;
      m_paused = !m_paused;
      if (m_paused) {
        m_speaker.stop();
      } else {
        repeat();  // resumes from the start of the screen
      }
      return true;
    case KeyEvent::Kind::volume_down:
    case KeyEvent::Kind::volume_up:
      start_from_keypad();
      m_volume =
          std::clamp(m_volume + (event.kind == KeyEvent::Kind::volume_up ? 20 : -20), 20, 200);
      m_speaker.set_volume(m_volume);
      m_paused = false;
      level("speech.volume", m_volume);
      return true;
    case KeyEvent::Kind::speed_down:
    case KeyEvent::Kind::speed_up:
      start_from_keypad();
      m_rate = std::clamp(m_rate + (event.kind == KeyEvent::Kind::speed_up ? 25 : -25), 80, 300);
      m_speaker.set_rate(m_rate);
      m_paused = false;
      level("speech.speed", m_rate);
      return true;
    case KeyEvent::Kind::privacy:
      start_from_keypad();
      m_app.set_blanked(!m_app.blanked());
      m_paused = false;
      say(std::string(m_ui.message(m_app.blanked() ? "speech.privacy_on" : "speech.privacy_off")));
      return true;
    default:
      return false;
  }
}

bool SpokenGuidance::toggle() {
  set_enabled(!m_enabled);
  return m_enabled;
}

void SpokenGuidance::repeat() {
  if (m_enabled && m_app.screen()) read(*m_app.screen(), true);
}

void SpokenGuidance::read(const Screen& screen, bool even_if_unchanged) {
  std::string text = screen.spoken_text();
  // A form redrawn after a choice (skip logic) keeps its words: reading them again from the
  // start would only make the citizen wait.
  if (!even_if_unchanged && text == m_last) return;
  m_last = text;
  if (text.empty()) {
    m_speaker.stop();  // the previous screen's words no longer apply
    return;
  }
  m_speaker.say(std::move(text), m_ui.language());
}

}  // namespace shubbak
