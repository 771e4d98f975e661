#include "screens/ui/on_screen_keyboard.hpp"

#include <algorithm>

namespace shubbak {

namespace {

using Row = std::vector<std::string>;

// Letter rows of each layout; the bottom row of special keys is added by build_keys().
const std::vector<Row>& letter_rows(OnScreenKeyboard::Layout layout) {
  static const std::vector<Row> arabic = {
      {"ض", "ص", "ث", "ق", "ف", "غ", "ع", "ه", "خ", "ح", "ج"},
      {"ش", "س", "ي", "ب", "ل", "ا", "ت", "ن", "م", "ك", "ط"},
      {"ئ", "ء", "ؤ", "ر", "ى", "ة", "و", "ز", "ظ", "د", "ذ"},
      {"أ", "إ", "آ", "لا", "،", "؟"},
  };
  static const std::vector<Row> english = {
      {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"},
      {"a", "s", "d", "f", "g", "h", "j", "k", "l"},
      {"z", "x", "c", "v", "b", "n", "m", ".", "-"},
  };
  static const std::vector<Row> numeric = {
      {"1", "2", "3"},
      {"4", "5", "6"},
      {"7", "8", "9"},
      {"+", "0", "-"},
  };
  switch (layout) {
    case OnScreenKeyboard::Layout::arabic:
      return arabic;
    case OnScreenKeyboard::Layout::numeric:
      return numeric;
    default:
      return english;
  }
}

std::string upper(const std::string& key) {
  if (key.size() == 1 && key[0] >= 'a' && key[0] <= 'z')
    return std::string(1, static_cast<char>(key[0] - 'a' + 'A'));
  return key;
}

}  // namespace

OnScreenKeyboard::OnScreenKeyboard(UiContext& ui, Layout layout, std::string id)
    : Widget(ui, std::move(id)),
      m_layout(layout),
      m_letters(layout == Layout::numeric ? Layout::arabic : layout),
      m_home(m_letters),
      m_script(script_keyboard_rows(ui.language())) {
  // A language without a script of its own types with the Arabic or Latin letters.
  if (!m_script && m_layout == Layout::script) m_layout = m_letters = m_home = Layout::english;
  if (m_layout == Layout::numeric && m_script) m_letters = m_home = Layout::script;
  if (m_letters == Layout::english && ui.right_to_left()) m_home = Layout::arabic;
  build_keys();
}

void OnScreenKeyboard::set_layout(Layout layout) {
  const std::size_t rows_before = m_rows.size();
  m_layout = layout;
  if (layout != Layout::numeric) m_letters = layout;
  m_shift = false;
  build_keys();
  if (m_rows.size() != rows_before && m_on_resized) {
    m_on_resized();
  } else {
    arrange(m_bounds);
  }
  m_ui.request_redraw();
}

void OnScreenKeyboard::build_keys() {
  m_rows.clear();
  const bool script = m_layout == Layout::script;
  const auto& rows =
      script ? (m_shift ? m_script->shifted : m_script->rows) : letter_rows(m_layout);
  for (const auto& row : rows) {
    std::vector<Key> keys;
    for (const auto& k : row) keys.push_back({k, m_shift && !script ? upper(k) : k, 1, {}});
    m_rows.push_back(std::move(keys));
  }
  auto text = [this](std::string_view key) { return std::string(m_ui.message(key)); };
  // The key that leaves the Latin letters: back to the citizen's own script, or Arabic.
  const bool home_is_script = m_home == Layout::script && m_script;
  const std::string home_label = home_is_script ? m_script->rows.front().front() : std::string("ع");
  switch (m_layout) {
    case Layout::english:
      m_rows[2].insert(m_rows[2].begin(), Key{"shift", "⇧", 1.5, {}, true});
      m_rows[2].push_back({"backspace", "⌫", 1.5, {}, true});
      m_rows.push_back({{"numbers", "123", 1.5, {}, true},
                        {home_is_script ? "script" : "arabic", home_label, 1.5, {}, true},
                        {"space", text("keyboard.space"), 5, {}, true},
                        {"enter", text("keyboard.done"), 2, {}, true}});
      break;
    case Layout::script:
      m_rows.back().insert(m_rows.back().begin(), Key{"shift", "⇧", 1.5, {}, true});
      m_rows.back().push_back({"backspace", "⌫", 1.5, {}, true});
      m_rows.push_back({{"numbers", "123", 1.5, {}, true},
                        {"english", "ABC", 1.5, {}, true},
                        {"space", text("keyboard.space"), 5, {}, true},
                        {"enter", text("keyboard.done"), 2, {}, true}});
      break;
    case Layout::arabic:
      m_rows[3].push_back({"backspace", "⌫", 2, {}, true});
      m_rows.push_back({{"numbers", "١٢٣", 1.5, {}, true},
                        {"english", "EN", 1.5, {}, true},
                        {"space", text("keyboard.space"), 5, {}, true},
                        {"enter", text("keyboard.done"), 2, {}, true}});
      break;
    case Layout::numeric:
      m_rows.push_back({{"letters",
                         m_letters == Layout::arabic   ? "أ ب ت"
                         : m_letters == Layout::script ? m_script->rows.front().front()
                                                       : "ABC",
                         1,
                         {},
                         true},
                        {"backspace", "⌫", 1, {}, true},
                        {"enter", text("keyboard.done"), 1, {}, true}});
      break;
  }
}

int OnScreenKeyboard::key_height() const {
  return std::max(m_ui.touch_target(), m_ui.text_style(TextRole::heading).size_px * 2);
}

Size OnScreenKeyboard::measure(int available_width) {
  int gap = m_ui.unit() / 2 + 1;
  return {available_width, static_cast<int>(m_rows.size()) * (key_height() + gap) + gap};
}

void OnScreenKeyboard::arrange(const Rect& bounds) {
  Widget::arrange(bounds);
  int gap = m_ui.unit() / 2 + 1;
  // The numeric pad is narrower: a phone-style block in the middle.
  int width = m_layout == Layout::numeric
                  ? std::min(bounds.width, bounds.width / 2 + 2 * m_ui.touch_target())
                  : bounds.width;
  int left = bounds.x + (bounds.width - width) / 2;
  double widest = 0;
  for (const auto& row : m_rows) {
    double units = 0;
    for (const auto& key : row) units += key.weight;
    widest = std::max(widest, units);
  }
  double unit_w = (width - gap) / widest;
  int y = bounds.y + gap;
  for (auto& row : m_rows) {
    double units = 0;
    for (const auto& key : row) units += key.weight;
    double x = left + gap + (width - gap - units * unit_w) / 2;  // short rows are centred
    for (auto& key : row) {
      int w = static_cast<int>(key.weight * unit_w) - gap;
      key.bounds = {static_cast<int>(x), y, w, key_height()};
      x += key.weight * unit_w;
    }
    y += key_height() + gap;
  }
}

void OnScreenKeyboard::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  canvas.fill_rect(m_bounds, t.border);
  for (std::size_t r = 0; r < m_rows.size(); ++r) {
    for (std::size_t k = 0; k < m_rows[r].size(); ++k) {
      const Key& key = m_rows[r][k];
      bool pressed = m_pressed_row == r && m_pressed_key == k;
      Color fill = pressed ? t.surface_pressed : key.special ? t.background : t.surface;
      if (key.name == "enter") fill = pressed ? t.primary_pressed : t.primary;
      if (key.name == "shift" && m_shift) fill = t.selection;
      canvas.fill_rect(key.bounds, fill);
      paint_centred_line(canvas, key.label, key.special ? TextRole::button : TextRole::heading,
                         key.bounds, TextAlign::center,
                         key.name == "enter" ? t.on_primary : t.text);
    }
  }
}

std::optional<Rect> OnScreenKeyboard::key_bounds(std::string_view name) const {
  for (const auto& row : m_rows) {
    for (const auto& key : row) {
      if (key.name == name) return key.bounds;
    }
  }
  return std::nullopt;
}

bool OnScreenKeyboard::on_pointer(const PointerEvent& event) {
  auto locate = [&](Point p) -> std::pair<std::optional<std::size_t>, std::optional<std::size_t>> {
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
      for (std::size_t k = 0; k < m_rows[r].size(); ++k) {
        if (m_rows[r][k].bounds.contains(p)) return {r, k};
      }
    }
    return {std::nullopt, std::nullopt};
  };
  auto [row, key] = locate(event.position);
  switch (event.kind) {
    case PointerEvent::Kind::down:
      m_pressed_row = row;
      m_pressed_key = key;
      break;
    case PointerEvent::Kind::move:
      if (row != m_pressed_row || key != m_pressed_key)
        m_pressed_row.reset(), m_pressed_key.reset();
      break;
    case PointerEvent::Kind::up: {
      bool same = row && row == m_pressed_row && key == m_pressed_key;
      m_pressed_row.reset();
      m_pressed_key.reset();
      if (same) press(m_rows[*row][*key]);
      break;
    }
  }
  m_ui.request_redraw();
  return true;
}

void OnScreenKeyboard::press(const Key& key) {
  auto emit = [this](KeyEvent event) {
    if (m_on_typed) m_on_typed(event);
  };
  // Copy what we need: switching layouts rebuilds the keys (and `key` with them).
  const std::string name = key.name, label = key.label;
  if (name == "shift") {
    m_shift = !m_shift;
    build_keys();
    arrange(m_bounds);
  } else if (name == "backspace") {
    emit({KeyEvent::Kind::backspace, {}, false});
  } else if (name == "enter") {
    emit({KeyEvent::Kind::enter, {}, false});
  } else if (name == "space") {
    emit({KeyEvent::Kind::text, " ", false});
  } else if (name == "numbers") {
    set_layout(Layout::numeric);
  } else if (name == "letters") {
    set_layout(m_letters);
  } else if (name == "arabic") {
    set_layout(Layout::arabic);
  } else if (name == "english") {
    set_layout(Layout::english);
  } else if (name == "script") {
    set_layout(Layout::script);
  } else {
    emit({KeyEvent::Kind::text, label, false});
    if (m_shift) {  // one capital, then back to small letters, as on a phone
      m_shift = false;
      build_keys();
      arrange(m_bounds);
    }
  }
}

}  // namespace shubbak
