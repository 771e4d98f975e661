// The first screen a citizen sees: a welcome, a button to start, and the languages the kiosk
// offers. With two, a button in the header switches to the other; with more, a row of buttons
// names each language in its own script, and one tap picks it. The layout mirrors with the
// language; colours and text sizes follow the theme. With the controls in reach
// (ui.controls = "lower") every control is in the lower half: the languages below the middle,
// the header's buttons beside the speech toggle.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "screens/shell/secret_taps.hpp"
#include "screens/ui/screen.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

class WelcomeScreen final : public Screen {
 public:
  struct Options {
    std::string kiosk_id;
    std::string version;
  };

  WelcomeScreen(UiContext& ui, Options options);

  void draw(Canvas& canvas) override;
  void on_pointer(const PointerEvent& event) override;
  // From a keypad (the first key has already turned spoken guidance on and read this screen):
  // down, up and tab move a focus ring through the controls in reading order (the languages,
  // the display button, start, the speech toggle), each announced as it takes it; enter does
  // what a tap on the focused control does. Enter with nothing focused starts, as the start
  // button does.
  void on_key(const KeyEvent& event) override;
  std::optional<Rect> find_element(std::string_view id) const override;

  Language language() const { return m_ui.language(); }
  void on_start(std::function<void()> h) { m_on_start = std::move(h); }
  // The attract loop's current service ("Available here: <title>"), its title in each language
  // so a language switch shows it at once; empty titles show nothing. Redraws only on change.
  using Titles = std::array<std::string, k_language_info.size()>;
  void set_highlight(Titles titles);
  // Shows the spoken-guidance toggle in state `on` while the language on screen has a voice
  // (`can_speak`); a tap calls `toggle`, which returns the new state. Without this call the
  // toggle is not shown (ui.speech = "off").
  void offer_speech_toggle(bool on, std::function<bool()> toggle,
                           std::function<bool(Language)> can_speak = {});
  std::string spoken_text() const override;
  // The hidden technician gesture (SecretTaps) in the top corner on the start side (above the
  // kiosk id): element "technician_corner".
  void on_technician(std::function<void()> h) { m_on_technician = std::move(h); }

 private:
  enum class Element { none, language, start, speech, display, pick_language };
  struct Hit {
    Element element = Element::none;
    std::size_t language = 0;  // pick_language: the index in m_language_chips
    friend bool operator==(const Hit&, const Hit&) = default;
  };
  struct LanguageChip {
    Language language;
    Rect bounds;
  };

  void lay_out();
  // The controls the keypad visits, in reading order.
  std::vector<Hit> focus_order() const;
  Rect bounds_of(const Hit& control) const;
  // What a control says when it takes the keypad's focus: role, label, state.
  std::string announcement(const Hit& control) const;
  // What a tap on `control` does (pointer up on it, or enter while it has the focus).
  void activate(const Hit& control);
  // Lays the language picker's buttons out in rows from `top`; returns the bottom of the last.
  int lay_out_language_chips(int top);
  bool picker_shown() const { return m_ui.languages().size() > 2; }
  bool speech_shown() const;
  Language switch_target() const;
  void pick(Language language);
  Hit hit(Point p) const;
  TextStyle scaled(int size_px, FontWeight weight) const;
  void draw_text(Canvas& canvas, std::string_view text, const TextStyle& style, const Rect& box,
                 TextAlign align, Color color, TextDirection direction,
                 bool centre_vertically = false);
  void draw_speech_toggle(Canvas& canvas);
  static const Theme& next_display_theme(const Theme& now);
  std::string_view display_label_key() const;

  UiContext& m_ui;
  Options m_options;
  Rect m_header, m_language_button, m_display_button, m_start_button, m_title, m_subtitle,
      m_highlight, m_footer, m_speech_toggle, m_technician_corner;
  std::vector<LanguageChip> m_language_chips;
  Titles m_highlight_titles;
  Hit m_pressed;
  std::optional<Hit> m_focused;  // the keypad's focus; none until the keypad moves it
  std::function<void()> m_on_start;
  std::function<bool()> m_toggle_speech;  // empty: no toggle shown
  std::function<bool(Language)> m_can_speak;
  bool m_speech_on = false;
  std::function<void()> m_on_technician;
  SecretTaps m_secret_taps;
};

}  // namespace shubbak
