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
  int px = static_cast<int>(std::lround(size * unit() * m_theme->text_scale));
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
