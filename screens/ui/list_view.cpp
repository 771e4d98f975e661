#include "screens/ui/list_view.hpp"

#include <algorithm>

#include <cmath>
#include "screens/ui/shapes.hpp"

namespace shubbak {

namespace {
constexpr double k_fling_min_velocity = 300.0;   // px/s for a release to fling
constexpr double k_fling_stop_velocity = 30.0;   // px/s at which it stops
constexpr double k_fling_time_constant = 0.325;  // s: friction, as phones scroll
constexpr auto k_frame = std::chrono::milliseconds(16);
constexpr std::uint32_t k_rest_ms = 100;
}  // namespace

ListView::ListView(UiContext& ui, std::vector<ListItem> items, std::string id, int visible_rows)
    : Widget(ui, std::move(id)), m_items(std::move(items)), m_visible_rows(visible_rows) {}

ListView::~ListView() {
  stop_fling();
}

int ListView::item_height() const {
  return std::max(m_ui.touch_target() * 3 / 2, m_ui.text_style(TextRole::heading).size_px * 3);
}

int ListView::max_offset() const {
  return std::max(0, static_cast<int>(m_items.size()) * item_height() - m_bounds.height);
}

Rect ListView::item_bounds(std::size_t index) const {
  return {m_bounds.x, m_bounds.y + static_cast<int>(index) * item_height() - m_offset,
          m_bounds.width, item_height()};
}

Size ListView::measure(int available_width) {
  int rows = static_cast<int>(m_items.size());
  if (m_visible_rows > 0) rows = std::min(rows, m_visible_rows);
  return {available_width, rows * item_height()};
}

void ListView::scroll_to(double offset) {
  m_offset_exact = std::clamp(offset, 0.0, static_cast<double>(max_offset()));
  int rounded = static_cast<int>(std::lround(m_offset_exact));
  if (rounded != m_offset) {
    m_offset = rounded;
    m_ui.request_redraw();
  }
}

std::string ListView::announcement() const {
  if (m_items.empty()) return {};
  const ListItem& item = m_items[m_keyed];
  std::string label = item.subtitle.empty() ? item.title : item.title + "، " + item.subtitle;
  if (!m_ui.right_to_left() && !item.subtitle.empty()) label = item.title + ", " + item.subtitle;
  return m_ui.messages().format("speech.list_item", m_ui.language(),
                                {{"number", std::to_string(m_keyed + 1)},
                                 {"count", std::to_string(m_items.size())},
                                 {"label", label}});
}

void ListView::focus_entered(bool from_end) {
  if (m_items.empty()) return;
  m_keyed = from_end ? m_items.size() - 1 : 0;
  Rect row = item_bounds(m_keyed);
  if (row.y < m_bounds.y) scroll_to(m_offset - (m_bounds.y - row.y));
  if (row.bottom() > m_bounds.bottom()) scroll_to(m_offset + (row.bottom() - m_bounds.bottom()));
}

void ListView::key_to(std::size_t index) {
  m_keyed = index;
  // Keep the item in view.
  Rect row = item_bounds(index);
  if (row.y < m_bounds.y) scroll_to(m_offset - (m_bounds.y - row.y));
  if (row.bottom() > m_bounds.bottom()) scroll_to(m_offset + (row.bottom() - m_bounds.bottom()));
  m_ui.request_redraw();
  m_ui.announce(announcement());
}

bool ListView::on_key(const KeyEvent& event) {
  if (m_items.empty()) return false;
  switch (event.kind) {
    case KeyEvent::Kind::down:
      if (m_keyed + 1 >= m_items.size()) return false;
      key_to(m_keyed + 1);
      return true;
    case KeyEvent::Kind::up:
      if (m_keyed == 0) return false;
      key_to(m_keyed - 1);
      return true;
    case KeyEvent::Kind::enter:
      if (m_on_select) m_on_select(m_keyed);
      return true;
    default:
      return false;
  }
}

void ListView::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  std::optional<Rect> clip;
  ClipScope scope(canvas, clip, m_bounds);
  canvas.fill_rect(m_bounds, t.background);
  const int h = item_height(), pad = 2 * m_ui.unit();
  std::size_t first = static_cast<std::size_t>(m_offset / h);
  for (std::size_t i = first; i < m_items.size(); ++i) {
    Rect row = item_bounds(i);
    if (row.y >= m_bounds.bottom()) break;
    canvas.fill_rect(row, m_pressed == i && !m_dragging ? t.surface_pressed : t.surface);
    canvas.fill_rect({row.x, row.bottom() - 1, row.width, 1}, t.border);
    Rect text{row.x + pad, row.y + pad / 2, row.width - 2 * pad, row.height - pad};
    int title_h = text_height(m_items[i].title, TextRole::heading, text.width);
    int sub_h = m_items[i].subtitle.empty()
                    ? 0
                    : text_height(m_items[i].subtitle, TextRole::caption, text.width);
    text.y += (text.height - title_h - sub_h) / 2;
    paint_text(canvas, m_items[i].title, TextRole::heading, text, TextAlign::start, t.text,
               ui_direction());
    if (sub_h > 0) {
      Rect sub{text.x, text.y + title_h, text.width, sub_h};
      paint_text(canvas, m_items[i].subtitle, TextRole::caption, sub, TextAlign::start,
                 t.text_muted, ui_direction());
    }
    // The keypad's focus ring round the item it is on.
    if (focused() && i == m_keyed) paint_focus_ring(canvas, row, t);
  }
  // A scroll indicator on the end edge when there is more than fits.
  if (max_offset() > 0) {
    int track = m_bounds.height,
        thumb = std::max(m_ui.unit() * 4, track * m_bounds.height / (track + max_offset()));
    int y = m_bounds.y + (track - thumb) * m_offset / max_offset();
    int w = std::max(3, m_ui.unit() / 2);
    int x = m_ui.right_to_left() ? m_bounds.x + 2 : m_bounds.right() - w - 2;
    canvas.fill_rect({x, y, w, thumb}, t.text_muted);
  }
}

bool ListView::on_pointer(const PointerEvent& event) {
  const int slop = m_ui.touch_target() / 4;
  switch (event.kind) {
    case PointerEvent::Kind::down: {
      // A finger on a moving list stops it, and that touch chooses nothing.
      m_stopped_fling = flinging();
      stop_fling();
      m_tracking = true;
      m_dragging = false;
      m_down = event.position;
      m_down_offset = m_offset_exact;
      m_velocity = 0;
      m_last_y = event.position.y;
      m_last_time = event.time_ms;
      m_pressed.reset();
      for (std::size_t i = 0; i < m_items.size(); ++i) {
        if (item_bounds(i).contains(event.position)) m_pressed = i;
      }
      m_ui.request_redraw();
      return true;
    }
    case PointerEvent::Kind::move: {
      if (!m_tracking) return true;
      if (!m_dragging && std::abs(event.position.y - m_down.y) > slop) m_dragging = true;
      if (m_dragging) {
        scroll_to(m_down_offset - (event.position.y - m_down.y));
        if (event.time_ms > m_last_time) {
          double dt = (event.time_ms - m_last_time) / 1000.0;
          double v = -(event.position.y - m_last_y) / dt;
          m_velocity = 0.7 * v + 0.3 * m_velocity;  // smooth out jittery samples
        }
        m_last_y = event.position.y;
        m_last_time = event.time_ms;
      }
      m_ui.request_redraw();
      return true;
    }
    case PointerEvent::Kind::up: {
      bool was_drag = m_dragging;
      auto pressed = m_pressed;
      m_tracking = m_dragging = false;
      m_pressed.reset();
      m_ui.request_redraw();
      if (was_drag) {
        // A finger that rested before lifting has stopped the list: no fling.
        bool rested = event.time_ms > m_last_time + k_rest_ms;
        if (!rested && std::abs(m_velocity) >= k_fling_min_velocity) start_fling(m_velocity);
      } else if (!m_stopped_fling && pressed && item_bounds(*pressed).contains(event.position) &&
                 m_on_select) {
        m_on_select(*pressed);
      }
      return true;
    }
  }
  return true;
}

void ListView::start_fling(double velocity) {
  stop_fling();
  m_velocity = velocity;
  m_fling_last = EventLoop::Clock::now();
  m_fling_timer = m_ui.loop().add_repeating_timer(k_frame, [this] { fling_step(); });
}

void ListView::stop_fling() {
  if (m_fling_timer != 0) m_ui.loop().cancel_timer(m_fling_timer);
  m_fling_timer = 0;
}

void ListView::fling_step() {
  auto now = EventLoop::Clock::now();
  double dt = std::chrono::duration<double>(now - m_fling_last).count();
  m_fling_last = now;
  scroll_to(m_offset_exact + m_velocity * dt);
  m_velocity *= std::exp(-dt / k_fling_time_constant);
  bool at_edge = m_offset_exact <= 0 || m_offset_exact >= max_offset();
  if (std::abs(m_velocity) < k_fling_stop_velocity || at_edge) stop_fling();
}

}  // namespace shubbak
