#include "screens/ui/button.hpp"

#include <algorithm>

#include "screens/ui/shapes.hpp"

namespace shubbak {

Button::Button(UiContext& ui, std::string label, Style style, std::string id)
    : Widget(ui, std::move(id)), m_label(std::move(label)), m_style(style) {}

void Button::set_label(std::string label) {
  m_label = std::move(label);
  m_ui.request_redraw();
}

std::shared_ptr<const TextLayout> Button::label_layout(int width) {
  const TextStyle style = m_ui.text_style(TextRole::button);
  auto line = m_ui.text().layout(m_label, style, 0, TextDirection::automatic);
  int room = width - 2 * padding();
  if (!line || (*line)->width <= room || room <= 0) return line ? *line : nullptr;
  auto wrapped = m_ui.text().layout(m_label, style, room, TextDirection::automatic);
  return wrapped ? *wrapped : *line;
}

Size Button::measure(int available_width) {
  int pad = padding();
  auto layout = label_layout(std::max(m_ui.touch_target(), available_width));
  int text_w = layout ? layout->width : 0, text_h = layout ? layout->height : 0;
  int w = std::clamp(text_w + 2 * pad, m_ui.touch_target(),
                     std::max(m_ui.touch_target(), available_width));
  return {w, std::max(m_ui.touch_target(), text_h + pad)};
}

void Button::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  Color fill = t.primary, ink = t.on_primary;
  switch (m_style) {
    case Style::primary:
      fill = m_pressed ? t.primary_pressed : t.primary;
      break;
    case Style::secondary:
      fill = m_pressed ? t.surface_pressed : t.surface;
      ink = t.primary;
      break;
    case Style::danger:
      fill = m_pressed ? t.primary_pressed : t.danger;
      break;
  }
  if (!m_enabled) {
    fill = t.surface_pressed;
    ink = t.text_muted;
  }
  canvas.fill_rect(m_bounds, fill);
  if (m_style == Style::secondary) paint_border(canvas, m_bounds, t.primary, t.border_px);
  if (focused()) paint_focus_ring(canvas, m_bounds, t);
  if (auto layout = label_layout(m_bounds.width)) {
    Rect text = m_bounds;
    text.y += (m_bounds.height - layout->height) / 2;
    m_ui.text().draw(canvas, *layout, text, TextAlign::center, ink);
  }
}

bool Button::on_pointer(const PointerEvent& event) {
  if (!m_enabled) return false;
  bool inside = m_bounds.contains(event.position);
  switch (event.kind) {
    case PointerEvent::Kind::down:
      m_pressed = true;
      m_ui.request_redraw();
      return true;
    case PointerEvent::Kind::move:
      if (m_pressed && !inside) {
        m_pressed = false;
        m_ui.request_redraw();
      }
      return true;
    case PointerEvent::Kind::up: {
      bool fire = m_pressed && inside;
      m_pressed = false;
      m_ui.request_redraw();
      if (fire && m_on_click) m_on_click();
      return true;
    }
  }
  return false;
}

std::string Button::announcement() const {
  std::string text = m_ui.messages().format("speech.button", m_ui.language(), {{"label", m_label}});
  if (!m_enabled) text += " " + std::string(m_ui.message("speech.unavailable"));
  return text;
}

bool Button::on_key(const KeyEvent& event) {
  if (event.kind != KeyEvent::Kind::enter || !m_enabled) return false;
  if (m_on_click) m_on_click();
  return true;
}

}  // namespace shubbak
