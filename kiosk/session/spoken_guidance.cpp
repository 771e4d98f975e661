#include "kiosk/session/spoken_guidance.hpp"

namespace shubbak {

SpokenGuidance::SpokenGuidance(UiContext& ui, KioskApp& app, Speaker& speaker, Log log)
    : m_ui(ui), m_app(app), m_speaker(speaker), m_log(std::move(log)) {
  m_app.on_screen_shown([this](const Screen& screen) {
    if (m_enabled) read(screen, false);
  });
}

SpokenGuidance::~SpokenGuidance() {
  m_app.on_screen_shown(nullptr);
}

void SpokenGuidance::set_enabled(bool on) {
  if (on == m_enabled) return;
  m_enabled = on;
  m_last.clear();
  if (!on) m_speaker.stop();
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
