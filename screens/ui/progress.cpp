#include "screens/ui/progress.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "screens/ui/shapes.hpp"

namespace shubbak {

ProgressBar::ProgressBar(UiContext& ui, double value, std::string id)
    : Widget(ui, std::move(id)), m_value(std::clamp(value, 0.0, 1.0)) {}

void ProgressBar::set_value(double value) {
  value = std::clamp(value, 0.0, 1.0);
  if (value == m_value) return;
  m_value = value;
  m_ui.request_redraw();
}

Size ProgressBar::measure(int available_width) {
  return {available_width, std::max(8, 2 * m_ui.unit())};
}

void ProgressBar::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  canvas.fill_rect(m_bounds, t.border);
  int filled = static_cast<int>(std::lround(m_value * m_bounds.width));
  int x = m_ui.right_to_left() ? m_bounds.right() - filled : m_bounds.x;
  canvas.fill_rect({x, m_bounds.y, filled, m_bounds.height}, t.primary);
}

Spinner::Spinner(UiContext& ui, std::string id) : Widget(ui, std::move(id)) {}

Spinner::~Spinner() {
  stop();
}

void Spinner::start() {
  if (m_timer != 0) return;
  m_timer = m_ui.loop().add_repeating_timer(std::chrono::milliseconds(100), [this] {
    m_phase = (m_phase + 1) % k_dots;
    m_ui.request_redraw();
  });
}

void Spinner::stop() {
  if (m_timer != 0) m_ui.loop().cancel_timer(m_timer);
  m_timer = 0;
}

Size Spinner::measure(int) {
  int side = m_ui.touch_target() * 2;
  return {side, side};
}

void Spinner::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  int side = std::min(m_bounds.width, m_bounds.height);
  int dot = std::max(4, side / 6);
  double radius = (side - dot) / 2.0;
  Point centre = m_bounds.center();
  for (int i = 0; i < k_dots; ++i) {
    // The lead dot is solid, the ones behind it fade: clockwise in English, anticlockwise in
    // Arabic.
    int age = (m_phase - i + k_dots) % k_dots;
    double angle = 2 * std::numbers::pi * i / k_dots * (m_ui.right_to_left() ? -1 : 1);
    int x = centre.x + static_cast<int>(std::lround(radius * std::sin(angle))) - dot / 2;
    int y = centre.y - static_cast<int>(std::lround(radius * std::cos(angle))) - dot / 2;
    Color c = t.primary;
    c.a = static_cast<std::uint8_t>(255 - age * 200 / k_dots);
    fill_circle(canvas, {x, y}, dot, c);
  }
}

}  // namespace shubbak
