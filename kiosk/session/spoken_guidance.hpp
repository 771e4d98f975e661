// Spoken guidance for citizens who cannot read the screen (EN 301 549, without vision / with
// limited reading): when on, each screen the kiosk puts up is read aloud in the screen's
// language (title, text, then its controls in order), interrupting whatever was being read.
// Off by default; a citizen turns it on at the welcome screen, or by using the keypad (the first
// key turns it on and reads the screen), and it lasts their session only.
//
// With it on, each control is announced when it takes focus (role, label, state, value; a
// secret by its length only) and typed characters are echoed (UiContext::announce). The keypad's
// voice keys: repeat, pause/resume, volume (20 % to 200 %, steps of 20), speed (80 to 300 words a
// minute, steps of 25), help, and privacy (the screen goes black, the voice goes on). All of it
// is the citizen's: set_enabled(false) at the end of a session puts everything back.
//
// UI thread only. The Speaker does the slow work elsewhere.
#pragma once

#include <string>
#include <string_view>

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
  // A key from the keypad, before the screen sees it: true when guidance used it.
  bool on_key(const KeyEvent& event);
  // Headphones were plugged in (HeadphoneWatch): guidance on at once, the screen read from its
  // start. When it is on already nothing changes (the citizen's volume and speed stay).
  void start_for_headphones();
  bool paused() const { return m_paused; }
  int volume() const { return m_volume; }
  int rate() const { return m_rate; }

  static constexpr int k_default_volume = 100;
  static constexpr int k_default_rate = 150;

 private:
  void read(const Screen& screen, bool even_if_unchanged);
  // Turns guidance on from the keypad and reads the screen; false when it was on already.
  bool start_from_keypad();
  // Turns guidance on and reads the current screen; false when it was on already.
  bool start_reading(std::string_view why);
  void say(const std::string& text);

  UiContext& m_ui;
  KioskApp& m_app;
  Speaker& m_speaker;
  Log m_log;
  bool m_enabled = false;
  bool m_paused = false;
  int m_volume = k_default_volume;
  int m_rate = k_default_rate;
  std::string m_last;  // what was read last: a screen redrawn with the same words is not re-read
};

}  // namespace shubbak
