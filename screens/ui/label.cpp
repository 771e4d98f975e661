#include "screens/ui/label.hpp"

namespace shubbak {

Label::Label(UiContext& ui, std::string text, TextRole role, TextAlign align, std::string id)
    : Widget(ui, std::move(id)), m_text(std::move(text)), m_role(role), m_align(align) {}

void Label::set_text(std::string text) {
  if (text == m_text) return;
  m_text = std::move(text);
  m_ui.request_redraw();
}

Size Label::measure(int available_width) {
  auto layout =
      m_ui.text().layout(m_text, m_ui.text_style(m_role), available_width, ui_direction());
  if (!layout) return {0, 0};
  return {(*layout)->width, (*layout)->height};
}

void Label::draw(Canvas& canvas) {
  const Theme& theme = m_ui.theme();
  Color color = m_tone == Tone::muted    ? theme.text_muted
                : m_tone == Tone::danger ? theme.danger
                                         : theme.text;
  paint_text(canvas, m_text, m_role, m_bounds, m_align, color);
}

}  // namespace shubbak
