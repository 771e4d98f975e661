// Spoken guidance for citizens who cannot read the screen (EN 301 549, without vision / with
// limited reading): when on, each screen the kiosk puts up is read aloud in the screen's
// language (title, text, then its controls in order), interrupting whatever was being read.
// Off by default; a citizen turns it on at the welcome screen, and it lasts their session only.
//
// UI thread only. The Speaker does the slow work elsewhere.
#pragma once

#include <string>

#include "drivers/audio/speaker.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

class SpokenGuidance {
 public:
  SpokenGuidance(UiContext& ui, KioskApp& app, Speaker& speaker, Log log);
  ~SpokenGuidance();
  SpokenGuidance(const SpokenGuidance&) = delete;
  SpokenGuidance& operator=(const SpokenGuidance&) = delete;

  bool enabled() const { return m_enabled; }
  // Off silences the voice at once. On reads from the next screen shown (or read again).
  void set_enabled(bool on);
  // Flips the state; returns the new one (the welcome screen's toggle).
  bool toggle();
  // Whether there is a voice for `language` (the speech button is hidden where there is none).
  bool can_speak(Language language) const { return m_speaker.can_speak(language); }
  // Reads the current screen again from the start ("repeat").
  void repeat();

 private:
  void read(const Screen& screen, bool even_if_unchanged);

  UiContext& m_ui;
  KioskApp& m_app;
  Speaker& m_speaker;
  Log m_log;
  bool m_enabled = false;
  std::string m_last;  // what was read last: a screen redrawn with the same words is not re-read
};

}  // namespace shubbak
