#include "screens/ui/date_input.hpp"

#include <algorithm>

#include "screens/ui/shapes.hpp"

namespace shubbak {

DateInput::DateInput(UiContext& ui, CivilDate initial, int min_year, int max_year, std::string id)
    : Widget(ui, std::move(id)), m_value(initial), m_min_year(min_year), m_max_year(max_year) {}

void DateInput::set_value(CivilDate value) {
  value.year = std::clamp(value.year, m_min_year, m_max_year);
  value.month = std::clamp(value.month, 1, 12);
  value.day = std::clamp(value.day, 1, days_in_month(value.year, value.month));
  if (value == m_value) return;
  m_value = value;
  m_ui.request_redraw();
  if (m_on_change) m_on_change(m_value);
}

void DateInput::step(Field field, int delta) {
  CivilDate next = m_value;
  switch (field) {
    case Field::day: {
      int days = days_in_month(next.year, next.month);
      next.day = (next.day - 1 + delta + days) % days + 1;  // wraps within the month
      break;
    }
    case Field::month:
      next.month = (next.month - 1 + delta + 12) % 12 + 1;
      break;
    case Field::year:
      next.year += delta;
      break;
  }
  set_value(next);
}

std::string DateInput::announcement() const {
  const LocaleFormatter& fmt = m_ui.format();
  std::string_view part = m_keyed == Field::day     ? "speech.date_day"
                          : m_keyed == Field::month ? "speech.date_month"
                                                    : "speech.date_year";
  std::string value = m_keyed == Field::day     ? fmt.integer(m_value.day)
                      : m_keyed == Field::month ? fmt.month_name(m_value.month)
                                                : fmt.integer(m_value.year, false);
  return m_ui.messages().format("speech.date", m_ui.language(),
                                {{"label", spoken_label()},
                                 {"date", fmt.date(m_value, CalendarKind::gregorian).value_or("")},
                                 {"part", m_ui.message(part)},
                                 {"value", value}});
}

bool DateInput::on_key(const KeyEvent& event) {
  switch (event.kind) {
    case KeyEvent::Kind::left:
    case KeyEvent::Kind::right:
      step(m_keyed, event.kind == KeyEvent::Kind::right ? 1 : -1);
      break;
    case KeyEvent::Kind::enter:
      m_keyed = m_keyed == Field::day     ? Field::month
                : m_keyed == Field::month ? Field::year
                                          : Field::day;
      m_ui.request_redraw();
      break;
    default:
      return false;
  }
  m_ui.announce(announcement());
  return true;
}

Size DateInput::measure(int available_width) {
  int value_h = m_ui.text_style(TextRole::heading).size_px * 2;
  int caption_h = m_ui.text_style(TextRole::caption).size_px * 2;
  return {available_width, 2 * m_ui.touch_target() + value_h + 2 * caption_h};
}

Rect DateInput::column(Field field) const {
  // The month is a name, so wider than the day; the year has four digits.
  int gap = 2 * m_ui.unit();
  int available = m_bounds.width - 2 * gap;
  int widths[3] = {available / 5, 0, available * 2 / 5};
  widths[1] = available - widths[0] - widths[2];
  int index = static_cast<int>(field);
  // In reading order: day first, so rightmost in Arabic.
  int x = m_bounds.x;
  bool rtl = m_ui.right_to_left();
  for (int i = 0; i < index; ++i) x += widths[i] + gap;
  if (rtl) x = m_bounds.x + m_bounds.width - (x - m_bounds.x) - widths[index];
  int value_h = m_ui.text_style(TextRole::heading).size_px * 2;
  return {x, m_bounds.y, widths[index], 2 * m_ui.touch_target() + value_h};
}

Rect DateInput::stepper(Field field, int step) const {
  Rect c = column(field);
  int h = m_ui.touch_target();
  return step > 0 ? Rect{c.x, c.y, c.width, h} : Rect{c.x, c.bottom() - h, c.width, h};
}

std::optional<DateInput::Part> DateInput::part_at(Point p) const {
  for (Field f : {Field::day, Field::month, Field::year}) {
    for (int s : {1, -1}) {
      if (stepper(f, s).contains(p)) return Part{f, s};
    }
  }
  return std::nullopt;
}

std::optional<Rect> DateInput::part_bounds(std::string_view part) const {
  if (part.size() < 2) return std::nullopt;
  std::string_view name = part.substr(0, part.size() - 1);
  int s = part.back() == '+' ? 1 : part.back() == '-' ? -1 : 0;
  if (s == 0) return std::nullopt;
  if (name == "day") return stepper(Field::day, s);
  if (name == "month") return stepper(Field::month, s);
  if (name == "year") return stepper(Field::year, s);
  return std::nullopt;
}

void DateInput::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  const LocaleFormatter& fmt = m_ui.format();
  for (Field f : {Field::day, Field::month, Field::year}) {
    for (int s : {1, -1}) {
      Rect r = stepper(f, s);
      bool pressed = m_pressed && m_pressed->field == f && m_pressed->step == s;
      canvas.fill_rect(r, pressed ? t.surface_pressed : t.surface);
      paint_border(canvas, r, t.primary, t.border_px);
      // Plus and minus drawn as bars: no font needed, the same in every language.
      int bar = std::min(r.width, r.height) / 2, thick = std::max(3, bar / 6);
      Point c = r.center();
      canvas.fill_rect({c.x - bar / 2, c.y - thick / 2, bar, thick}, t.primary);
      if (s > 0) canvas.fill_rect({c.x - thick / 2, c.y - bar / 2, thick, bar}, t.primary);
    }
    Rect c = column(f);
    Rect value{c.x, c.y + m_ui.touch_target(), c.width, c.height - 2 * m_ui.touch_target()};
    std::string text = f == Field::day     ? fmt.integer(m_value.day)
                       : f == Field::month ? fmt.month_name(m_value.month)
                                           : fmt.integer(m_value.year, false);  // 2026, not 2,026
    paint_centred_line(canvas, text, TextRole::heading, value, TextAlign::center, t.text);
  }
  // The keypad's focus: a ring round the part its keys step.
  if (focused()) paint_focus_ring(canvas, column(m_keyed), t);
  int caption = m_ui.text_style(TextRole::caption).size_px * 2;
  Rect line{m_bounds.x, column(Field::day).bottom(), m_bounds.width, caption};
  auto gregorian = fmt.date(m_value, CalendarKind::gregorian);
  auto hijri = fmt.date(m_value, CalendarKind::hijri_umm_al_qura);
  if (gregorian)
    paint_centred_line(canvas, *gregorian, TextRole::caption, line, TextAlign::center,
                       t.text_muted);
  line.y += caption;
  if (hijri)
    paint_centred_line(canvas, *hijri, TextRole::caption, line, TextAlign::center, t.text_muted);
}

bool DateInput::on_pointer(const PointerEvent& event) {
  auto part = part_at(event.position);
  switch (event.kind) {
    case PointerEvent::Kind::down:
      m_pressed = part;
      break;
    case PointerEvent::Kind::move:
      if (!part || !m_pressed || part->field != m_pressed->field || part->step != m_pressed->step)
        m_pressed.reset();
      break;
    case PointerEvent::Kind::up:
      if (part && m_pressed && part->field == m_pressed->field && part->step == m_pressed->step) {
        step(part->field, part->step);
      }
      m_pressed.reset();
      break;
  }
  m_ui.request_redraw();
  return true;
}

}  // namespace shubbak
