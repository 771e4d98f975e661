// What every widget of a screen shares: the text engine, theme, language and reading direction,
// screen density, locale formatting, the loop (for animation and countdown timers), and the
// focused widget. One per screen set; UI thread only.
#pragma once

#include <functional>
#include <vector>

#include "drivers/display/geometry.hpp"
#include "kiosk/core/language.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/messages.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "screens/text/locale_format.hpp"
#include "screens/text/text_engine.hpp"
#include "screens/ui/theme.hpp"

namespace shubbak {

class Widget;

enum class TextRole { title, heading, body, button, caption };

// Where step screens put what the citizen touches: anywhere, or all in the lower half of the
// screen, within reach from a wheelchair (EN 301 549, limited reach).
enum class ControlsReach { anywhere, lower };

class UiContext {
 public:
  UiContext(TextEngine& text, EventLoop& loop, const Messages& messages, Size screen, int dpi,
            Language language, DigitStyle digits, Log log);

  TextEngine& text() { return m_text; }
  EventLoop& loop() { return m_loop; }
  const Messages& messages() const { return m_messages; }
  const Theme& theme() const { return *m_theme; }
  Language language() const { return m_language; }
  bool right_to_left() const { return is_right_to_left(m_language); }
  TextDirection direction() const {
    return right_to_left() ? TextDirection::right_to_left : TextDirection::left_to_right;
  }
  const LocaleFormatter& format() const { return m_format; }
  std::string_view message(std::string_view key) const { return m_messages.get(key, m_language); }
  Log& log() { return m_log; }
  Size screen() const { return m_screen; }
  int dpi() const { return m_dpi; }

  // The smallest side of anything touchable: 15 mm at the panel's density.
  int touch_target() const;
  // A layout unit: 1 % of the screen's smaller side.
  int unit() const;
  TextStyle text_style(TextRole role) const;
  // A style of `size_px` in the script style of the language on screen (Nastaliq for Urdu).
  TextStyle style(int size_px, FontWeight weight) const;

  // Theme or language changes relayout every screen that listens.
  void set_theme(const Theme& theme);
  void set_language(Language language);
  // The languages the kiosk offers, in the picker's order (the configuration's).
  const std::vector<Language>& languages() const { return m_languages; }
  void set_languages(std::vector<Language> languages) { m_languages = std::move(languages); }
  void on_appearance_changed(std::function<void()> handler) {
    m_on_appearance = std::move(handler);
  }

  void request_redraw() {
    if (m_on_redraw) m_on_redraw();
  }
  void on_redraw(std::function<void()> handler) { m_on_redraw = std::move(handler); }

  ControlsReach controls_reach() const { return m_controls_reach; }
  void set_controls_reach(ControlsReach reach) { m_controls_reach = reach; }

  Widget* focused() const { return m_focused; }
  // Moves the focus; the widget that takes it is announced (Widget::announcement()) unless
  // `announce` is false (the same control again on a redrawn screen, whose words are read).
  void set_focus(Widget* widget, bool announce = true);

  // Spoken guidance listens here: what a control says when it takes focus or changes (its
  // role, label, state and value), and the echo of typed characters. Nothing when unset.
  void on_announce(std::function<void(const std::string&)> handler) {
    m_on_announce = std::move(handler);
  }
  void announce(const std::string& text) const {
    if (m_on_announce && !text.empty()) m_on_announce(text);
  }
  void forget(Widget* widget) {
    if (m_focused == widget) m_focused = nullptr;
  }

 private:
  TextEngine& m_text;
  EventLoop& m_loop;
  const Messages& m_messages;
  Size m_screen;
  int m_dpi;
  Language m_language;
  std::vector<Language> m_languages = {Language::ar, Language::en};
  DigitStyle m_digits;
  LocaleFormatter m_format;
  const Theme* m_theme;
  Log m_log;
  Widget* m_focused = nullptr;
  ControlsReach m_controls_reach = ControlsReach::anywhere;
  std::function<void()> m_on_redraw;
  std::function<void()> m_on_appearance;
  std::function<void(const std::string&)> m_on_announce;
};

}  // namespace shubbak
