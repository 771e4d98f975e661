#include "screens/ui/countdown_banner.hpp"

#include <algorithm>

#include "screens/ui/button.hpp"
#include "screens/ui/label.hpp"

namespace shubbak {

CountdownBanner::CountdownBanner(UiContext& ui, std::string id) : Container(ui, std::move(id)) {
  m_label = &add<Label>("", TextRole::heading, TextAlign::start);
  m_button = &add<Button>(std::string(ui.message("session.more_time")), Button::Style::secondary,
                          "more-time");
  m_button->on_click([this] {
    if (m_on_more_time) m_on_more_time();
  });
}

CountdownBanner::~CountdownBanner() {
  stop();
}

std::string CountdownBanner::text() const {
  auto text = m_ui.format().message(m_ui.message("session.time_left"),
                                    {{"seconds", std::int64_t{m_remaining}}});
  return text.value_or(std::to_string(m_remaining));
}

void CountdownBanner::start(int seconds) {
  stop();
  m_remaining = seconds;
  m_label->set_text(text());
  m_timer = m_ui.loop().add_repeating_timer(std::chrono::seconds(1), [this] { tick(); });
  m_ui.request_redraw();
}

void CountdownBanner::stop() {
  if (m_timer != 0) m_ui.loop().cancel_timer(m_timer);
  m_timer = 0;
}

void CountdownBanner::tick() {
  m_remaining = std::max(0, m_remaining - 1);
  m_label->set_text(text());
  if (m_remaining == 0) {
    stop();
    if (m_on_expired) m_on_expired();
  }
}

Size CountdownBanner::measure(int available_width) {
  int pad = 2 * m_ui.unit();
  return {available_width,
          std::max(m_ui.touch_target(), m_label->measure(available_width / 2).height) + 2 * pad};
}

void CountdownBanner::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  int pad = 2 * m_ui.unit();
  Size button = m_button->measure(bounds.width / 3);
  bool rtl = m_ui.right_to_left();
  // The message at the start, the button at the end of the reading direction.
  Rect button_box{rtl ? bounds.x + pad : bounds.right() - pad - button.width,
                  bounds.y + (bounds.height - button.height) / 2, button.width, button.height};
  int label_w = bounds.width - button.width - 3 * pad;
  int label_h = m_label->measure(label_w).height;
  Rect label_box{rtl ? bounds.right() - pad - label_w : bounds.x + pad,
                 bounds.y + (bounds.height - label_h) / 2, label_w, label_h};
  m_button->arrange(button_box);
  m_label->arrange(label_box);
}

void CountdownBanner::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  canvas.fill_rect(m_bounds, t.selection);
  canvas.fill_rect({m_bounds.x, m_bounds.bottom() - t.border_px, m_bounds.width, t.border_px},
                   t.focus);
  Container::draw(canvas);
}

}  // namespace shubbak
