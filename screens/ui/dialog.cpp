#include "screens/ui/dialog.hpp"

#include <algorithm>

#include "screens/ui/button.hpp"
#include "screens/ui/label.hpp"

namespace shubbak {

Dialog::Dialog(UiContext& ui, std::string title, std::string message,
               std::vector<DialogButton> buttons, std::string id, std::size_t buttons_per_row)
    : Container(ui, std::move(id)) {
  int u = ui.unit();
  m_content = &add<Column>(2 * u, 3 * u, Align::stretch);
  m_content->add<Label>(std::move(title), TextRole::heading, TextAlign::start);
  if (!message.empty()) m_content->add<Label>(std::move(message), TextRole::body, TextAlign::start);
  const bool any_primary =
      std::any_of(buttons.begin(), buttons.end(), [](const auto& b) { return b.primary; });
  const std::size_t per_row = buttons_per_row == 0 ? buttons.size() : buttons_per_row;
  Row* row = nullptr;
  for (std::size_t i = 0; i < buttons.size(); ++i) {
    if (i % per_row == 0) row = &m_content->add<Row>(2 * u);
    bool primary = any_primary ? buttons[i].primary : i == 0;
    auto& b = row->add<Button>(buttons[i].label,
                               primary ? Button::Style::primary : Button::Style::secondary,
                               buttons[i].id);
    b.on_click(buttons[i].action);
  }
}

Size Dialog::measure(int) {
  return m_ui.screen();
}

void Dialog::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  int width = std::min(bounds.width - 4 * m_ui.unit(),
                       std::max(bounds.width * 3 / 5, m_ui.touch_target() * 8));
  int height = m_content->measure(width).height;
  // Centred; with the controls in reach (ControlsReach::lower) at the foot of the screen, so its
  // buttons, at the panel's bottom, are in the lower half.
  int y = bounds.y + (bounds.height - height) / 2;
  if (m_ui.controls_reach() == ControlsReach::lower)
    y = std::max(y, bounds.bottom() - height - 3 * m_ui.unit());
  m_panel = {bounds.x + (bounds.width - width) / 2, y, width, height};
  m_content->arrange(m_panel);
}

void Dialog::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  canvas.fill_rect(m_bounds, t.overlay);
  canvas.fill_rect(m_panel, t.background);
  paint_border(canvas, m_panel, t.primary, t.border_px);
  Container::draw(canvas);
}

bool Dialog::on_pointer(const PointerEvent& event) {
  Container::on_pointer(event);
  return true;  // modal: nothing behind it sees the touch
}

}  // namespace shubbak
