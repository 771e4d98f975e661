#include "screens/ui/ui_context.hpp"

#include <algorithm>
#include <cmath>

#include "screens/ui/screen.hpp"
#include "screens/ui/widget.hpp"

namespace shubbak {

UiContext::UiContext(TextEngine& text, EventLoop& loop, const Messages& messages, Size screen,
                     int dpi, Language language, DigitStyle digits, Log log)
    : m_text(text),
      m_loop(loop),
      m_messages(messages),
      m_screen(screen),
      m_dpi(dpi),
      m_language(language),
      m_digits(digits),
      m_format(language, digits),
      m_theme(&default_theme()),
      m_log(std::move(log)) {}

int UiContext::touch_target() const {
  return millimetres_to_pixels(15.0, m_dpi);
}

int UiContext::unit() const {
  return std::max(1, std::min(m_screen.width, m_screen.height) / 100);
}

TextStyle UiContext::text_style(TextRole role) const {
  double size = 0;
  FontWeight weight = FontWeight::regular;
  switch (role) {
    case TextRole::title:
      size = 7.0, weight = FontWeight::bold;
      break;
    case TextRole::heading:
      size = 4.6, weight = FontWeight::bold;
      break;
    case TextRole::body:
      size = 3.6;
      break;
    case TextRole::button:
      size = 3.6, weight = FontWeight::bold;
      break;
    case TextRole::caption:
      size = 2.8;
      break;
  }
  // Sizes follow the screen (1 % units), but never below what keeps the smallest role's ink at
  // 4.8 mm on this panel's density: a caption set at k_smallest_text_mm has an alef 4.9 mm and a
  // Latin capital 5.2 mm high. On a dense panel every role grows by the same factor, so the
  // hierarchy stays; at 96 dpi on a 1080-pixel screen the floor is below the units (no change).
  constexpr double k_smallest_role = 2.8;     // the caption's size in units
  constexpr double k_smallest_text_mm = 7.3;  // its font size in millimetres, at least
  const double smallest_px = k_smallest_role * unit();
  const double density =
      std::max(1.0, k_smallest_text_mm * m_dpi / 25.4 / std::max(1.0, smallest_px));
  int px = static_cast<int>(std::lround(size * unit() * density * m_theme->text_scale));
  return style(std::max(12, px), weight);
}

TextStyle UiContext::style(int size_px, FontWeight weight) const {
  return {size_px, weight, arabic_style(m_language)};
}

void UiContext::set_theme(const Theme& theme) {
  m_theme = &theme;
  if (m_on_appearance) m_on_appearance();
  request_redraw();
}

void UiContext::set_language(Language language) {
  m_language = language;
  m_format = LocaleFormatter(language, m_digits);
  if (m_on_appearance) m_on_appearance();
  request_redraw();
}

void UiContext::set_focus(Widget* widget, bool announce_it) {
  if (m_focused == widget) return;
  m_focused = widget;
  request_redraw();
  if (widget && announce_it) announce(widget->announcement());
}

}  // namespace shubbak
