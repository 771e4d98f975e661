#include "screens/shell/bottom_bar_page.hpp"

#include <algorithm>

namespace shubbak {

BottomBarPage::BottomBarPage(UiContext& ui, int padding)
    : Container(ui, "page"), m_padding(padding) {
  m_content = &add<Column>(m_ui.unit() * 2, 0, Align::stretch, "content");
  m_bar = &add<Column>(m_ui.unit() * 2, 0, Align::stretch, "bar");
}

void BottomBarPage::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  int inner = bounds.width - 2 * m_padding;
  int bar_h = m_bar->measure(inner).height;
  Rect bar{bounds.x + m_padding, bounds.bottom() - m_padding - bar_h, inner, bar_h};
  m_bar->arrange(bar);
  m_content->arrange({bounds.x + m_padding, bounds.y + m_padding, inner,
                      bar.y - m_padding - bounds.y - m_padding});
}

Size CentredBox::measure(int available_width) {
  int width = std::min(available_width, m_max_width);
  int height = m_children.empty() ? 0 : m_children.front()->measure(width).height;
  return {available_width, height};
}

void CentredBox::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  if (m_children.empty()) return;
  int width = std::min(bounds.width, m_max_width);
  m_children.front()->arrange(
      {bounds.x + (bounds.width - width) / 2, bounds.y, width, bounds.height});
}

}  // namespace shubbak
