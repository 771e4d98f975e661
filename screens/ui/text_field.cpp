#include "screens/ui/text_field.hpp"

#include <algorithm>

#include "screens/ui/shapes.hpp"

namespace shubbak {

namespace {

// Western, Arabic-Indic (U+0660..) or Eastern Arabic-Indic (U+06F0..) digits, as UTF-8.
std::size_t digit_length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (b(0) >= '0' && b(0) <= '9') return 1;
  if (i + 1 < s.size() && ((b(0) == 0xD9 && b(1) >= 0xA0 && b(1) <= 0xA9) ||
                           (b(0) == 0xDB && b(1) >= 0xB0 && b(1) <= 0xB9))) {
    return 2;
  }
  return 0;
}

}  // namespace

TextField::TextField(UiContext& ui, std::string placeholder, InputKind kind, std::string id)
    : Widget(ui, std::move(id)), m_placeholder(std::move(placeholder)), m_kind(kind) {}

void TextField::set_text(std::string text) {
  m_text = std::move(text);
  m_caret = m_anchor = static_cast<std::uint32_t>(m_text.size());
  changed();
}

std::pair<std::uint32_t, std::uint32_t> TextField::selection() const {
  return {std::min(m_caret, m_anchor), std::max(m_caret, m_anchor)};
}

void TextField::set_caret(std::uint32_t offset, bool extend_selection) {
  m_caret = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(m_text.size()));
  if (!extend_selection) m_anchor = m_caret;
  m_ui.request_redraw();
}

bool TextField::accepts(std::string_view text) const {
  if (m_kind == InputKind::text) return true;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t digit = digit_length(text, i);
    if (digit > 0) {
      i += digit;
      continue;
    }
    bool phone_mark =
        m_kind == InputKind::phone && (text[i] == '+' || text[i] == ' ' || text[i] == '-');
    if (!phone_mark) return false;
    ++i;
  }
  return true;
}

void TextField::erase(std::uint32_t from, std::uint32_t to) {
  m_text.erase(from, to - from);
  m_caret = m_anchor = from;
  changed();
}

void TextField::insert(std::string_view text) {
  if (!accepts(text)) return;
  auto [first, last] = selection();
  if (m_text.size() - (last - first) + text.size() > m_max_bytes) return;
  m_text.replace(first, last - first, text);
  m_caret = m_anchor = first + static_cast<std::uint32_t>(text.size());
  changed();
}

namespace {

std::size_t grapheme_count(std::string_view text) {
  std::size_t count = 0;
  for (std::uint32_t at = 0; at < text.size(); at = next_grapheme(text, at)) ++count;
  return count;
}

}  // namespace

bool TextField::speaks_as_secret() const {
  if (m_secret) return true;
  // Card-number-shaped: 13 or more digits, whatever separates them (the whole value, or a
  // number still being typed).
  return std::count_if(m_text.begin(), m_text.end(), [](char c) { return c >= '0' && c <= '9'; }) >=
         13;
}

std::string TextField::announcement() const {
  std::string value;
  if (m_text.empty()) {
    value = m_ui.message("speech.empty");
  } else if (speaks_as_secret()) {
    value = m_ui.messages().format("speech.characters", m_ui.language(),
                                   {{"count", std::to_string(grapheme_count(m_text))}});
  } else {
    value = m_text;
  }
  return m_ui.messages().format(
      "speech.text_field", m_ui.language(),
      {{"label", spoken_label().empty() ? m_placeholder : spoken_label()}, {"value", value}});
}

void TextField::changed() {
  m_ui.request_redraw();
  if (m_on_change) m_on_change(m_text);
}

TextField::Geometry TextField::geometry() {
  Geometry g;
  int pad = 2 * m_ui.unit();
  TextDirection direction = m_text.empty() ? ui_direction() : TextDirection::automatic;
  auto layout = m_ui.text().layout(m_text, m_ui.text_style(TextRole::body), 0, direction);
  if (!layout) return g;
  g.layout = *layout;
  g.inner = {m_bounds.x + pad, m_bounds.y + (m_bounds.height - g.layout->line_height) / 2,
             m_bounds.width - 2 * pad, g.layout->line_height};
  const TextLine& line = g.layout->lines.front();
  // Whatever the text's own direction, it sits at the UI's start edge: digits in an Arabic form
  // are flush right like the Arabic around them.
  TextAlign align =
      g.layout->right_to_left == m_ui.right_to_left() ? TextAlign::start : TextAlign::end;
  int natural = TextEngine::line_left(*g.layout, line, g.inner, align);
  // Keep the caret inside the field when the text is longer than it.
  if (line.width <= g.inner.width) m_scroll = 0;
  int caret_x = natural + m_scroll + caret_at(stops(*g.layout), m_caret).x;
  if (caret_x > g.inner.right() - 2) m_scroll -= caret_x - (g.inner.right() - 2);
  if (caret_x < g.inner.x) m_scroll += g.inner.x - caret_x;
  g.line_left = natural + m_scroll;
  return g;
}

const std::vector<CaretStop>& TextField::stops(const TextLayout& layout) {
  if (m_stops_text != m_text) {
    m_stops = caret_stops(layout, m_text);
    m_stops_text = m_text;
  }
  return m_stops;
}

int TextField::caret_screen_x() {
  Geometry g = geometry();
  return g.layout ? g.line_left + caret_at(stops(*g.layout), m_caret).x : m_bounds.x;
}

Size TextField::measure(int available_width) {
  int line = m_ui.text_style(TextRole::body).size_px * 2;
  return {available_width, std::max(m_ui.touch_target(), line)};
}

void TextField::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  canvas.fill_rect(m_bounds, t.surface);
  paint_border(canvas, m_bounds, focused() ? t.focus : t.border,
               focused() ? t.border_px * 2 : t.border_px);
  if (focused()) paint_focus_ring(canvas, m_bounds, t);
  Geometry g = geometry();
  if (!g.layout) return;
  std::optional<Rect> clip;
  ClipScope scope(canvas, clip, g.inner);

  if (m_text.empty()) {
    paint_text(canvas, m_placeholder, TextRole::body, g.inner, TextAlign::start, t.text_muted);
  } else {
    auto [first, last] = selection();
    if (first != last) {
      // A selection in mixed text may be several runs on screen: mark each selected glyph.
      for (const auto& glyph : g.layout->glyphs) {
        if (glyph.cluster >= first && glyph.cluster < last) {
          canvas.fill_rect(
              {g.line_left + glyph.x, g.inner.y, std::max(1, glyph.advance), g.inner.height},
              t.selection);
        }
      }
    }
    Rect box{g.line_left, g.inner.y, g.layout->width, g.inner.height};
    m_ui.text().draw(canvas, *g.layout, box, TextAlign::start, t.text);  // box is exactly the line
  }
  if (focused()) {
    int x = g.line_left + caret_at(stops(*g.layout), m_caret).x;
    canvas.fill_rect({x - 1, g.inner.y, std::max(2, m_ui.unit() / 3), g.inner.height}, t.focus);
  }
}

bool TextField::on_pointer(const PointerEvent& event) {
  Geometry g = geometry();
  if (!g.layout) return true;
  auto offset_at = [&](Point p) {
    return hit_test(*g.layout, stops(*g.layout), p.x - g.line_left, p.y - g.inner.y);
  };
  switch (event.kind) {
    case PointerEvent::Kind::down:
      m_ui.set_focus(this);
      if (m_on_focus) m_on_focus(*this);
      set_caret(offset_at(event.position));
      m_dragging = true;
      break;
    case PointerEvent::Kind::move:
      if (m_dragging) set_caret(offset_at(event.position), true);
      break;
    case PointerEvent::Kind::up:
      m_dragging = false;
      break;
  }
  return true;
}

bool TextField::on_key(const KeyEvent& event) {
  auto [first, last] = selection();
  switch (event.kind) {
    case KeyEvent::Kind::text: {
      std::size_t before = m_text.size();
      insert(event.text);
      // The echo of what was typed: the character itself, or "hidden" for a secret.
      if (m_text.size() != before) {
        m_ui.announce(speaks_as_secret() ? std::string(m_ui.message("speech.hidden_character"))
                                         : event.text);
      }
      return true;
    }
    case KeyEvent::Kind::backspace:
      if (first != last) {
        erase(first, last);
      } else if (m_caret > 0) {
        erase(previous_grapheme(m_text, m_caret), m_caret);
      }
      return true;
    case KeyEvent::Kind::delete_forward:
      if (first != last) {
        erase(first, last);
      } else if (m_caret < m_text.size()) {
        erase(m_caret, next_grapheme(m_text, m_caret));
      }
      return true;
    case KeyEvent::Kind::left:
    case KeyEvent::Kind::right: {
      Geometry g = geometry();
      if (!g.layout) return true;
      set_caret(
          move_visually(stops(*g.layout), m_caret, event.kind == KeyEvent::Kind::left ? -1 : 1),
          event.shift);
      return true;
    }
    case KeyEvent::Kind::home:
      set_caret(0, event.shift);
      return true;
    case KeyEvent::Kind::end:
      set_caret(static_cast<std::uint32_t>(m_text.size()), event.shift);
      return true;
    case KeyEvent::Kind::enter:
      if (m_on_submit) m_on_submit();
      return true;
    case KeyEvent::Kind::tab:
    case KeyEvent::Kind::up:
    case KeyEvent::Kind::down:
    case KeyEvent::Kind::back:
    case KeyEvent::Kind::help:
    case KeyEvent::Kind::repeat:
    case KeyEvent::Kind::pause:
    case KeyEvent::Kind::volume_down:
    case KeyEvent::Kind::volume_up:
    case KeyEvent::Kind::speed_down:
    case KeyEvent::Kind::speed_up:
    case KeyEvent::Kind::privacy:
      return false;
  }
  return false;
}

}  // namespace shubbak
