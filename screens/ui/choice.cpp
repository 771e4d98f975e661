#include "screens/ui/choice.hpp"

#include <algorithm>

#include "screens/ui/shapes.hpp"

namespace shubbak {

namespace {

// The square for the mark at the start edge of `row`, and the text box after it.
struct MarkLayout {
  Rect mark;
  Rect text;
};

MarkLayout lay_out_mark(const Rect& row, int mark_size, int gap, bool rtl) {
  int y = row.y + (row.height - mark_size) / 2;
  Rect mark{rtl ? row.right() - mark_size : row.x, y, mark_size, mark_size};
  Rect text{rtl ? row.x : row.x + mark_size + gap, row.y, row.width - mark_size - gap, row.height};
  return {mark, text};
}

}  // namespace

Checkbox::Checkbox(UiContext& ui, std::string label, bool checked, std::string id)
    : Widget(ui, std::move(id)), m_label(std::move(label)), m_checked(checked) {}

void Checkbox::set_checked(bool checked) {
  if (checked == m_checked) return;
  m_checked = checked;
  m_ui.request_redraw();
  if (m_on_change) m_on_change(m_checked);
}

Size Checkbox::measure(int available_width) {
  return {available_width, m_ui.touch_target()};
}

void Checkbox::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  int size = m_ui.touch_target() * 2 / 3;
  auto [mark, text] = lay_out_mark(m_bounds, size, 2 * m_ui.unit(), m_ui.right_to_left());
  canvas.fill_rect(mark, m_pressed ? t.surface_pressed : t.surface);
  paint_border(canvas, mark, focused() ? t.focus : t.primary,
               t.border_px * (focused() ? 2 : 1) + 1);
  if (focused()) paint_focus_ring(canvas, m_bounds, t);
  if (m_checked) {
    int inset = size / 5;
    canvas.fill_rect({mark.x + inset, mark.y + inset, size - 2 * inset, size - 2 * inset},
                     t.primary);
  }
  Rect line = text;
  paint_centred_line(canvas, m_label, TextRole::body, line, TextAlign::start, t.text);
}

bool Checkbox::on_pointer(const PointerEvent& event) {
  switch (event.kind) {
    case PointerEvent::Kind::down:
      m_pressed = true;
      break;
    case PointerEvent::Kind::move:
      m_pressed = m_pressed && m_bounds.contains(event.position);
      break;
    case PointerEvent::Kind::up:
      if (m_pressed && m_bounds.contains(event.position)) {
        m_pressed = false;
        set_checked(!m_checked);
      }
      m_pressed = false;
      break;
  }
  m_ui.request_redraw();
  return true;
}

std::string Checkbox::announcement() const {
  return m_ui.messages().format(
      "speech.checkbox", m_ui.language(),
      {{"label", m_label},
       {"state", m_ui.message(m_checked ? "speech.checked" : "speech.unchecked")}});
}

bool Checkbox::on_key(const KeyEvent& event) {
  if ((event.kind == KeyEvent::Kind::text && event.text == " ") ||
      event.kind == KeyEvent::Kind::enter) {
    set_checked(!m_checked);
    m_ui.announce(announcement());
    return true;
  }
  return false;
}

RadioGroup::RadioGroup(UiContext& ui, std::vector<std::string> options,
                       std::optional<std::size_t> selected, std::string id)
    : Widget(ui, std::move(id)), m_options(std::move(options)), m_selected(selected) {}

int RadioGroup::row_height() const {
  return m_ui.touch_target();
}

Rect RadioGroup::option_bounds(std::size_t index) const {
  int h = row_height();
  return {m_bounds.x, m_bounds.y + static_cast<int>(index) * h, m_bounds.width, h};
}

void RadioGroup::select(std::size_t index) {
  if (index >= m_options.size() || m_selected == index) return;
  m_selected = index;
  m_ui.request_redraw();
  if (m_on_change) m_on_change(index);
}

Size RadioGroup::measure(int available_width) {
  return {available_width, row_height() * static_cast<int>(m_options.size())};
}

void RadioGroup::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  int size = m_ui.touch_target() * 2 / 3;
  for (std::size_t i = 0; i < m_options.size(); ++i) {
    auto [mark, text] = lay_out_mark(option_bounds(i), size, 2 * m_ui.unit(), m_ui.right_to_left());
    if (m_pressed == i) fill_circle(canvas, {mark.x, mark.y}, size, t.surface_pressed);
    stroke_circle(canvas, {mark.x, mark.y}, size, std::max(2, size / 10),
                  focused() ? t.focus : t.primary);
    if (m_selected == i) {
      int dot = size / 2;
      fill_circle(canvas, {mark.x + (size - dot) / 2, mark.y + (size - dot) / 2}, dot, t.primary);
    }
    // The keypad's ring round the option Enter or the arrows act on.
    if (focused() && i == m_selected.value_or(0)) paint_focus_ring(canvas, option_bounds(i), t);
    paint_centred_line(canvas, m_options[i], TextRole::body, text, TextAlign::start, t.text);
  }
}

std::optional<std::size_t> RadioGroup::option_at(Point p) const {
  for (std::size_t i = 0; i < m_options.size(); ++i) {
    if (option_bounds(i).contains(p)) return i;
  }
  return std::nullopt;
}

bool RadioGroup::on_pointer(const PointerEvent& event) {
  switch (event.kind) {
    case PointerEvent::Kind::down:
      m_pressed = option_at(event.position);
      break;
    case PointerEvent::Kind::move:
      if (m_pressed != option_at(event.position)) m_pressed.reset();
      break;
    case PointerEvent::Kind::up: {
      auto released = option_at(event.position);
      if (m_pressed && released == m_pressed) select(*released);
      m_pressed.reset();
      break;
    }
  }
  m_ui.request_redraw();
  return true;
}

std::string RadioGroup::announcement() const {
  if (m_options.empty()) return {};
  std::size_t current = m_selected.value_or(0);
  std::string text = spoken_label().empty() ? std::string() : spoken_label() + ": ";
  return text +
         m_ui.messages().format(
             "speech.radio", m_ui.language(),
             {{"number", std::to_string(current + 1)},
              {"count", std::to_string(m_options.size())},
              {"label", m_options[current]},
              {"state", m_ui.message(m_selected ? "speech.selected" : "speech.not_selected")}});
}

bool RadioGroup::on_key(const KeyEvent& event) {
  if (m_options.empty()) return false;
  // Enter or space takes the option read out (the first when none is selected yet).
  if (event.kind == KeyEvent::Kind::enter ||
      (event.kind == KeyEvent::Kind::text && event.text == " ")) {
    select(m_selected.value_or(0));
    m_ui.announce(announcement());
    return true;
  }
  // Down and up are the keypad's way to the next control: they never change an answer here.
  // Left and right move through the options in reading order (mirrored in Arabic).
  bool forward = (event.kind == KeyEvent::Kind::right) != m_ui.right_to_left();
  if (event.kind != KeyEvent::Kind::left && event.kind != KeyEvent::Kind::right) return false;
  std::size_t current = m_selected.value_or(0);
  select(forward ? std::min(current + 1, m_options.size() - 1) : (current == 0 ? 0 : current - 1));
  m_ui.announce(announcement());
  return true;
}

}  // namespace shubbak
