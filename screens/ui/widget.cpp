#include "screens/ui/widget.hpp"

#include <algorithm>

namespace shubbak {

void Widget::paint_text(Canvas& canvas, std::string_view text, TextRole role, const Rect& box,
                        TextAlign align, Color color, TextDirection direction) {
  if (direction == TextDirection::automatic) direction = ui_direction();
  auto layout = m_ui.text().layout(text, m_ui.text_style(role), box.width, direction);
  if (!layout) {
    m_ui.log().error("cannot lay out text: {}", layout.error().describe());
    return;
  }
  m_ui.text().draw(canvas, **layout, box, align, color);
}

int Widget::text_height(std::string_view text, TextRole role, int width, TextDirection direction) {
  if (direction == TextDirection::automatic) direction = ui_direction();
  auto layout = m_ui.text().layout(text, m_ui.text_style(role), width, direction);
  return layout ? (*layout)->height : 0;
}

void Widget::paint_centred_line(Canvas& canvas, std::string_view text, TextRole role,
                                const Rect& box, TextAlign align, Color color) {
  auto layout = m_ui.text().layout(text, m_ui.text_style(role), 0, TextDirection::automatic);
  if (!layout) return;
  Rect line = box;
  line.y += (box.height - (*layout)->height) / 2;
  m_ui.text().draw(canvas, **layout, line, align, color);
}

void Widget::paint_border(Canvas& canvas, const Rect& r, Color color, int w) {
  canvas.fill_rect({r.x, r.y, r.width, w}, color);
  canvas.fill_rect({r.x, r.bottom() - w, r.width, w}, color);
  canvas.fill_rect({r.x, r.y, w, r.height}, color);
  canvas.fill_rect({r.right() - w, r.y, w, r.height}, color);
}

void Container::draw(Canvas& canvas) {
  for (auto& child : m_children) child->draw(canvas);
}

bool Container::on_pointer(const PointerEvent& event) {
  if (event.kind == PointerEvent::Kind::down) {
    m_captured = nullptr;
    // Topmost first: later children draw over earlier ones.
    for (auto it = m_children.rbegin(); it != m_children.rend(); ++it) {
      if ((*it)->bounds().contains(event.position) && (*it)->enabled() &&
          (*it)->on_pointer(event)) {
        m_captured = it->get();
        return true;
      }
    }
    return false;
  }
  if (!m_captured) return false;
  Widget* target = m_captured;
  if (event.kind == PointerEvent::Kind::up) m_captured = nullptr;
  return target->on_pointer(event);
}

Widget* Container::find(std::string_view id) {
  if (id == m_id) return this;
  for (auto& child : m_children) {
    if (Widget* found = child->find(id)) return found;
  }
  return nullptr;
}

void Container::collect_focusable(std::vector<Widget*>& out) {
  for (auto& child : m_children) child->collect_focusable(out);
}

void Container::appearance_changed() {
  for (auto& child : m_children) child->appearance_changed();
}

Size Column::measure(int available_width) {
  int inner = available_width - 2 * m_padding;
  int height = 2 * m_padding, width = 0;
  for (std::size_t i = 0; i < m_children.size(); ++i) {
    Size s = m_children[i]->measure(inner);
    height += s.height + (i > 0 ? m_spacing : 0);
    width = std::max(width, s.width);
  }
  return {std::min(available_width, width + 2 * m_padding), height};
}

void Column::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  int inner = bounds.width - 2 * m_padding;
  int y = bounds.y + m_padding;
  const bool rtl = m_ui.right_to_left();
  for (auto& child : m_children) {
    Size s = child->measure(inner);
    int w = m_align == Align::stretch ? inner : std::min(s.width, inner);
    int left = bounds.x + m_padding;
    int x = left;
    if (m_align == Align::center) {
      x = left + (inner - w) / 2;
    } else if ((m_align == Align::start) == rtl && m_align != Align::stretch) {
      x = left + inner - w;  // start in Arabic, or end in English: the right edge
    }
    child->arrange({x, y, w, s.height});
    y += s.height + m_spacing;
  }
}

Size Row::measure(int available_width) {
  if (m_children.empty()) return {0, 0};
  int n = static_cast<int>(m_children.size());
  int share = (available_width - m_spacing * (n - 1)) / n;
  int height = 0;
  for (auto& child : m_children) height = std::max(height, child->measure(share).height);
  return {available_width, height};
}

void Row::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  if (m_children.empty()) return;
  int n = static_cast<int>(m_children.size());
  int share = (bounds.width - m_spacing * (n - 1)) / n;
  const bool rtl = m_ui.right_to_left();
  for (int i = 0; i < n; ++i) {
    int slot = rtl ? n - 1 - i : i;  // reading order: the first child at the start edge
    int x = bounds.x + slot * (share + m_spacing);
    m_children[static_cast<std::size_t>(i)]->arrange({x, bounds.y, share, bounds.height});
  }
}

}  // namespace shubbak
