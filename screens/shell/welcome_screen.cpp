#include "screens/shell/welcome_screen.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "screens/shell/speaker_mark.hpp"
#include "screens/ui/shapes.hpp"

namespace shubbak {

WelcomeScreen::WelcomeScreen(UiContext& ui, Options options)
    : m_ui(ui), m_options(std::move(options)) {
  m_ui.on_redraw([this] { changed(); });
  m_ui.on_appearance_changed([this] { lay_out(); });
  lay_out();
}

TextStyle WelcomeScreen::scaled(int size_px, FontWeight weight) const {
  return m_ui.style(static_cast<int>(std::lround(size_px * m_ui.theme().text_scale)), weight);
}

// A language's own name in the style of its script (Urdu's in Nastaliq), whatever is on screen.
static TextStyle name_style(TextStyle style, Language language) {
  style.arabic = arabic_style(language);
  return style;
}

Language WelcomeScreen::switch_target() const {
  const auto& offered = m_ui.languages();
  for (Language l : offered) {
    if (l != m_ui.language()) return l;
  }
  return m_ui.language();
}

bool WelcomeScreen::speech_shown() const {
  return m_toggle_speech && (!m_can_speak || m_can_speak(m_ui.language()));
}

int WelcomeScreen::lay_out_language_chips(int top) {
  const int w = m_ui.screen().width, unit = m_ui.unit(), touch = m_ui.touch_target();
  const int margin = 3 * unit, gap = 2 * unit;
  const int chip_h = std::max(9 * unit, touch);
  const TextStyle style = scaled(4 * unit, FontWeight::bold);
  m_language_chips.clear();
  // Rows filled in the reading direction, each centred.
  std::vector<std::vector<std::pair<Language, int>>> rows(1);
  int row_width = 0;
  for (Language language : m_ui.languages()) {
    auto layout = m_ui.text().layout(info(language).native_name, name_style(style, language), 0,
                                     TextDirection::automatic);
    int chip_w = std::max(touch * 2, (layout ? (*layout)->width : touch) + 4 * unit);
    int needed = row_width == 0 ? chip_w : row_width + gap + chip_w;
    if (needed > w - 2 * margin && row_width > 0) {
      rows.emplace_back();
      needed = chip_w;
    }
    rows.back().emplace_back(language, chip_w);
    row_width = needed;
  }
  const bool rtl = m_ui.right_to_left();
  int y = top;
  for (const auto& row : rows) {
    int total = -gap;
    for (const auto& [_, chip_w] : row) total += chip_w + gap;
    int x = rtl ? (w + total) / 2 : (w - total) / 2;
    for (const auto& [language, chip_w] : row) {
      Rect bounds{rtl ? x - chip_w : x, y, chip_w, chip_h};
      m_language_chips.push_back({language, bounds});
      x += rtl ? -(chip_w + gap) : chip_w + gap;
    }
    y += chip_h + gap;
  }
  return y - gap;
}

void WelcomeScreen::lay_out() {
  const Size size = m_ui.screen();
  const int w = size.width, h = size.height;
  const int unit = m_ui.unit();
  const int touch = m_ui.touch_target();
  const int margin = 3 * unit;
  const bool rtl = m_ui.right_to_left();
  const bool lower = m_ui.controls_reach() == ControlsReach::lower;

  const int header_height = std::max(11 * unit, touch + 2 * unit);
  m_header = {0, 0, w, header_height};
  const int lang_w = std::max(24 * unit, touch), lang_h = std::max(header_height - 3 * unit, touch);
  // The language button sits at the end of the reading direction: right in English, left in Arabic.
  m_language_button = {rtl ? margin : w - margin - lang_w, (header_height - lang_h) / 2, lang_w,
                       lang_h};
  // Beside it, the display button: larger text, then high contrast, then back.
  const int display_w = std::max(34 * unit, touch);
  m_display_button = {
      rtl ? m_language_button.right() + 2 * unit : m_language_button.x - 2 * unit - display_w,
      m_language_button.y, display_w, lang_h};

  const int start_w = std::clamp(w * 45 / 100, touch * 3, w - 2 * margin);
  const int start_h = std::max(13 * unit, touch);
  if (picker_shown()) {
    // Title and subtitle higher up; below them every offered language, then the service of the
    // moment and the start button.
    // Boxes as tall as the texts in this language: a Nastaliq line is taller than a Naskh one.
    auto height_of = [&](std::string_view key, const TextStyle& style, int minimum) {
      auto laid = m_ui.text().layout(m_ui.message(key), style, w - 2 * margin, m_ui.direction());
      return std::max(minimum, laid ? (*laid)->height : minimum);
    };
    m_title = {margin, header_height + 3 * unit, w - 2 * margin,
               height_of("welcome.title", scaled(9 * unit, FontWeight::bold), 12 * unit)};
    m_subtitle = {margin, m_title.bottom() + unit, w - 2 * margin,
                  height_of("welcome.subtitle", scaled(4 * unit, FontWeight::regular), 6 * unit)};
    if (lower) {
      // The controls in the lower half: the service of the moment (text) stays above the
      // middle, the languages start at it, the start button follows them.
      m_highlight = {margin, m_subtitle.bottom() + 2 * unit, w - 2 * margin, 8 * unit};
      int chips_bottom = lay_out_language_chips(std::max(m_highlight.bottom() + 2 * unit, h / 2));
      m_start_button = {(w - start_w) / 2, chips_bottom + 2 * unit, start_w, start_h};
    } else {
      int chips_bottom = lay_out_language_chips(m_subtitle.bottom() + 2 * unit);
      m_highlight = {margin, chips_bottom + 2 * unit, w - 2 * margin, 8 * unit};
      m_start_button = {(w - start_w) / 2, std::max(h * 62 / 100, m_highlight.bottom() + 2 * unit),
                        start_w, start_h};
    }
    m_language_button = {};
  } else {
    m_language_chips.clear();
    m_title = {margin, h * 26 / 100, w - 2 * margin, 14 * unit};
    m_subtitle = {margin, m_title.bottom() + 2 * unit, w - 2 * margin, 14 * unit};
    m_start_button = {(w - start_w) / 2, h * 62 / 100, start_w, start_h};
    m_highlight = {margin, m_start_button.y - 14 * unit, w - 2 * margin, 8 * unit};
  }
  m_footer = {margin, h - 8 * unit, w - 2 * margin, 5 * unit};
  // Below the start button, within reach from a wheelchair, as wide as the start button.
  m_speech_toggle = {m_start_button.x, m_start_button.bottom() + 4 * unit, start_w,
                     std::max(10 * unit, touch)};
  if (lower) {
    // The header's buttons come down to the speech toggle's row, one on each side of it: the
    // language switch at the start of the reading direction, the display button at its end.
    const int row_y = m_speech_toggle.y, row_h = std::max(m_speech_toggle.height, lang_h);
    const int gap = 2 * unit;
    Rect before{m_speech_toggle.x - gap - lang_w, row_y, lang_w, row_h};
    Rect after{m_speech_toggle.right() + gap, row_y, display_w, row_h};
    if (rtl) {
      before = {m_speech_toggle.right() + gap, row_y, lang_w, row_h};
      after = {m_speech_toggle.x - gap - display_w, row_y, display_w, row_h};
    }
    const int left = std::min(before.x, after.x), right = std::max(before.right(), after.right());
    if (left < margin || right > w - margin) {
      // A narrow (portrait) screen: both in a row of their own under the toggle, centred.
      const int total = lang_w + gap + display_w, y = m_speech_toggle.bottom() + gap;
      const int x = (w - total) / 2;
      before = {rtl ? x + display_w + gap : x, y, lang_w, row_h};
      after = {rtl ? x : x + lang_w + gap, y, display_w, row_h};
    }
    if (!picker_shown()) m_language_button = before;
    m_display_button = after;
  }
  m_technician_corner = {rtl ? w - touch : 0, 0, touch, touch};
  changed();
}

void WelcomeScreen::draw_text(Canvas& canvas, std::string_view text, const TextStyle& style,
                              const Rect& box, TextAlign align, Color color,
                              TextDirection direction, bool centre_vertically) {
  auto layout = m_ui.text().layout(text, style, box.width, direction);
  if (!layout) {
    m_ui.log().error("cannot lay out text: {}", layout.error().describe());
    return;
  }
  Rect at = box;
  if (centre_vertically) at.y += (box.height - (*layout)->height) / 2;
  m_ui.text().draw(canvas, **layout, at, align, color);
}

void WelcomeScreen::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  const TextDirection dir = m_ui.direction();
  const int unit = m_ui.unit();
  const int margin = 3 * unit;

  canvas.clear(t.background);
  canvas.fill_rect(m_header, t.primary);
  Rect brand_box{margin, 0, m_ui.screen().width - 2 * margin, m_header.height};
  draw_text(canvas, m_ui.message("app.name"), scaled(6 * unit, FontWeight::bold), brand_box,
            TextAlign::start, t.on_primary, dir, true);

  if (!picker_shown()) {
    canvas.fill_rect(m_language_button,
                     m_pressed.element == Element::language ? t.surface_pressed : t.surface);
    // The label is the other language's own name, so its content decides its direction.
    Language other = switch_target();
    draw_text(canvas, info(other).native_name,
              name_style(scaled(4 * unit, FontWeight::bold), other), m_language_button,
              TextAlign::center, t.primary, TextDirection::automatic, true);
  }
  // The picker: the language on screen filled, the others outlined.
  for (std::size_t i = 0; i < m_language_chips.size(); ++i) {
    const auto& chip = m_language_chips[i];
    const bool current = chip.language == m_ui.language();
    const bool pressed = m_pressed == Hit{Element::pick_language, i};
    canvas.fill_rect(chip.bounds, t.primary);
    const int b = t.border_px;
    if (!current) {
      canvas.fill_rect({chip.bounds.x + b, chip.bounds.y + b, chip.bounds.width - 2 * b,
                        chip.bounds.height - 2 * b},
                       pressed ? t.surface_pressed : t.surface);
    }
    draw_text(canvas, info(chip.language).native_name,
              name_style(scaled(4 * unit, FontWeight::bold), chip.language), chip.bounds,
              TextAlign::center, current ? t.on_primary : t.primary, TextDirection::automatic,
              true);
  }

  canvas.fill_rect(m_display_button,
                   m_pressed.element == Element::display ? t.surface_pressed : t.surface);
  draw_text(canvas, m_ui.message(display_label_key()), scaled(4 * unit, FontWeight::bold),
            m_display_button, TextAlign::center, t.primary, dir, true);

  draw_text(canvas, m_ui.message("welcome.title"), scaled(9 * unit, FontWeight::bold), m_title,
            TextAlign::center, t.text, dir);
  draw_text(canvas, m_ui.message("welcome.subtitle"), scaled(4 * unit, FontWeight::regular),
            m_subtitle, TextAlign::center, t.text_muted, dir);

  const std::string& highlight = m_highlight_titles[static_cast<std::size_t>(m_ui.language())];
  if (!highlight.empty()) {
    draw_text(
        canvas,
        m_ui.messages().format("welcome.available", m_ui.language(), {{"service", highlight}}),
        scaled(5 * unit, FontWeight::bold), m_highlight, TextAlign::center, t.primary, dir, true);
  }

  canvas.fill_rect(m_start_button,
                   m_pressed.element == Element::start ? t.primary_pressed : t.primary);
  draw_text(canvas, m_ui.message("welcome.start"), scaled(5 * unit, FontWeight::bold),
            m_start_button, TextAlign::center, t.on_primary, dir, true);

  if (speech_shown()) draw_speech_toggle(canvas);
  // The ring only on a control still offered (the speech toggle goes with a voiceless language).
  if (m_focused) {
    const std::vector<Hit> offered = focus_order();
    if (std::ranges::find(offered, *m_focused) != offered.end())
      paint_focus_ring(canvas, bounds_of(*m_focused), t);
  }

  std::string footer =
      m_ui.messages().format("welcome.footer", m_ui.language(),
                             {{"kiosk", m_options.kiosk_id}, {"version", m_options.version}});
  draw_text(canvas, footer, scaled(3 * unit, FontWeight::regular), m_footer, TextAlign::start,
            t.text_muted, dir);
}

void WelcomeScreen::set_highlight(Titles titles) {
  if (titles == m_highlight_titles) return;
  m_highlight_titles = std::move(titles);
  changed();
}

void WelcomeScreen::pick(Language language) {
  if (language == m_ui.language()) return;
  m_ui.log().info("language switched to {}", to_string(language));
  m_ui.set_language(language);
  speak_again();
}

// Default, then large text, then high contrast (which is large too), then back to default.
const Theme& WelcomeScreen::next_display_theme(const Theme& now) {
  if (&now == &default_theme()) return large_text_theme();
  if (&now == &large_text_theme()) return high_contrast_theme();
  return default_theme();
}

// The button names what a tap gives.
std::string_view WelcomeScreen::display_label_key() const {
  const Theme& next = next_display_theme(m_ui.theme());
  if (&next == &large_text_theme()) return "welcome.display_large";
  if (&next == &high_contrast_theme()) return "welcome.display_contrast";
  return "welcome.display_standard";
}

WelcomeScreen::Hit WelcomeScreen::hit(Point p) const {
  if (!picker_shown() && m_language_button.contains(p)) return {Element::language};
  for (std::size_t i = 0; i < m_language_chips.size(); ++i) {
    if (m_language_chips[i].bounds.contains(p)) return {Element::pick_language, i};
  }
  if (m_display_button.contains(p)) return {Element::display};
  if (m_start_button.contains(p)) return {Element::start};
  if (speech_shown() && m_speech_toggle.contains(p)) return {Element::speech};
  return {};
}

std::vector<WelcomeScreen::Hit> WelcomeScreen::focus_order() const {
  std::vector<Hit> order;
  for (std::size_t i = 0; i < m_language_chips.size(); ++i)
    order.push_back({Element::pick_language, i});
  if (m_ui.controls_reach() == ControlsReach::lower) {
    // Top to bottom, then along the last row in the reading direction.
    order.push_back({Element::start});
    if (!picker_shown()) order.push_back({Element::language});
    if (speech_shown()) order.push_back({Element::speech});
    order.push_back({Element::display});
    return order;
  }
  if (!picker_shown()) order.push_back({Element::language});
  order.push_back({Element::display});
  order.push_back({Element::start});
  if (speech_shown()) order.push_back({Element::speech});
  return order;
}

Rect WelcomeScreen::bounds_of(const Hit& control) const {
  switch (control.element) {
    case Element::language:
      return m_language_button;
    case Element::pick_language:
      return m_language_chips.at(control.language).bounds;
    case Element::display:
      return m_display_button;
    case Element::start:
      return m_start_button;
    case Element::speech:
      return m_speech_toggle;
    case Element::none:
      break;
  }
  return {};
}

std::string WelcomeScreen::announcement(const Hit& control) const {
  const Language language = m_ui.language();
  auto button = [&](std::string_view label) {
    return m_ui.messages().format("speech.button", language, {{"label", std::string(label)}});
  };
  switch (control.element) {
    case Element::language:
      return button(info(switch_target()).native_name);
    case Element::pick_language: {
      // A choice among the languages, each named in its own script, the one on screen selected.
      Language named = m_language_chips.at(control.language).language;
      return m_ui.messages().format(
          "speech.radio", language,
          {{"number", std::to_string(control.language + 1)},
           {"count", std::to_string(m_language_chips.size())},
           {"label", std::string(info(named).native_name)},
           {"state", std::string(m_ui.message(named == language ? "speech.selected"
                                                                : "speech.not_selected"))}});
    }
    case Element::display:
      return button(m_ui.message(display_label_key()));
    case Element::start:
      return button(m_ui.message("welcome.start"));
    case Element::speech:
      return button(
          m_ui.messages().get(m_speech_on ? "welcome.speech_on" : "welcome.speech_off", language));
    case Element::none:
      break;
  }
  return {};
}

void WelcomeScreen::activate(const Hit& control) {
  if (control.element == Element::language) {
    pick(switch_target());
  } else if (control.element == Element::pick_language) {
    pick(m_language_chips.at(control.language).language);
  } else if (control.element == Element::display) {
    const Theme& next = next_display_theme(m_ui.theme());
    m_ui.log().info("display switched to {}", next.name);
    m_ui.set_theme(next);
    speak_again();
  } else if (control.element == Element::speech) {
    m_speech_on = m_toggle_speech();
    m_ui.log().info("spoken guidance {}", m_speech_on ? "on" : "off");
    changed();
    speak_again();
  } else if (control.element == Element::start && m_on_start) {
    m_on_start();
  }
}

void WelcomeScreen::on_key(const KeyEvent& event) {
  const bool backwards =
      event.kind == KeyEvent::Kind::up || (event.kind == KeyEvent::Kind::tab && event.shift);
  if (event.kind == KeyEvent::Kind::down || event.kind == KeyEvent::Kind::up ||
      event.kind == KeyEvent::Kind::tab) {
    const std::vector<Hit> order = focus_order();
    auto at = m_focused ? std::find(order.begin(), order.end(), *m_focused) : order.end();
    std::size_t next = 0;
    if (at == order.end()) {
      next = backwards ? order.size() - 1 : 0;
    } else {
      auto index = static_cast<std::size_t>(at - order.begin());
      next = backwards ? (index + order.size() - 1) % order.size() : (index + 1) % order.size();
    }
    m_focused = order[next];
    changed();
    m_ui.announce(announcement(*m_focused));
  } else if (event.kind == KeyEvent::Kind::enter) {
    activate(m_focused ? *m_focused : Hit{Element::start});
  }
}

void WelcomeScreen::on_pointer(const PointerEvent& event) {
  switch (event.kind) {
    case PointerEvent::Kind::down:
      if (!m_technician_corner.contains(event.position)) {
        m_secret_taps.reset();
      } else if (m_secret_taps.tap(SecretTaps::Clock::now()) && m_on_technician) {
        return m_on_technician();
      }
      m_pressed = hit(event.position);
      if (m_pressed.element != Element::none) changed();
      break;
    case PointerEvent::Kind::move:
      // Sliding off a button cancels the press, as on a phone.
      if (m_pressed.element != Element::none && hit(event.position) != m_pressed) {
        m_pressed = {};
        changed();
      }
      break;
    case PointerEvent::Kind::up: {
      Hit released = hit(event.position);
      Hit pressed_hit = std::exchange(m_pressed, Hit{});
      Element pressed = pressed_hit.element;
      if (pressed == Element::none) break;
      changed();
      if (released == pressed_hit) activate(pressed_hit);
      break;
    }
  }
}

std::optional<Rect> WelcomeScreen::find_element(std::string_view id) const {
  if (id == "language" && !picker_shown()) return m_language_button;
  // "language:<code>" is whatever picks that language: its button in the picker, or the switch
  // when it is the other of two.
  if (!picker_shown() && id.starts_with("language:") && id.substr(9) == to_string(switch_target()))
    return m_language_button;
  for (const auto& chip : m_language_chips) {
    if (id.starts_with("language:") && id.substr(9) == to_string(chip.language)) return chip.bounds;
  }
  if (id == "display") return m_display_button;
  if (id == "start") return m_start_button;
  if (id == "speech" && speech_shown()) return m_speech_toggle;
  if (id == "technician_corner") return m_technician_corner;
  return std::nullopt;
}

void WelcomeScreen::offer_speech_toggle(bool on, std::function<bool()> toggle,
                                        std::function<bool(Language)> can_speak) {
  m_speech_on = on;
  m_toggle_speech = std::move(toggle);
  m_can_speak = std::move(can_speak);
  changed();
}

void WelcomeScreen::draw_speech_toggle(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  const int unit = m_ui.unit();
  const bool rtl = m_ui.right_to_left();
  // On: filled like a primary button; off: an outlined surface. The mark and the words agree.
  const bool pressed = m_pressed.element == Element::speech;
  Color fill = m_speech_on ? (pressed ? t.primary_pressed : t.primary)
                           : (pressed ? t.surface_pressed : t.surface);
  Color ink = m_speech_on ? t.on_primary : t.primary;
  const Rect& r = m_speech_toggle;
  canvas.fill_rect(r, t.primary);
  const int b = t.border_px;
  canvas.fill_rect({r.x + b, r.y + b, r.width - 2 * b, r.height - 2 * b}, fill);

  const int mark = r.height - 2 * unit;
  Rect mark_box{rtl ? r.right() - unit - mark : r.x + unit, r.y + unit, mark, mark};
  draw_speaker_mark(canvas, mark_box, m_speech_on, rtl, ink);

  // Two languages, the citizen's first, then Arabic (or English under Arabic): someone who
  // cannot read this one still finds it.
  std::string_view key = m_speech_on ? "welcome.speech_on" : "welcome.speech_off";
  Language first = m_ui.language();
  Language second = first == Language::ar ? Language::en : Language::ar;
  Rect words{rtl ? r.x + unit : mark_box.right() + unit, r.y, r.width - mark - 3 * unit,
             r.height / 2};
  draw_text(canvas, m_ui.messages().get(key, first), scaled(4 * unit, FontWeight::bold),
            {words.x, words.y + unit / 2, words.width, words.height}, TextAlign::start, ink,
            m_ui.direction(), true);
  draw_text(canvas, m_ui.messages().get(key, second),
            name_style(scaled(3 * unit, FontWeight::regular), second),
            {words.x, words.y + words.height - unit / 2, words.width, words.height},
            TextAlign::start, ink, m_ui.direction(), true);
}

std::string WelcomeScreen::spoken_text() const {
  std::string text;
  auto sentence = [&](std::string_view s) {
    if (!text.empty()) text += ' ';
    text += s;
    text += '.';
  };
  const Language language = m_ui.language();
  sentence(m_ui.messages().get(m_speech_on ? "welcome.speech_on" : "welcome.speech_off", language));
  sentence(m_ui.message("welcome.title"));
  sentence(m_ui.messages().format("speech.button", language,
                                  {{"label", m_ui.message("welcome.start")}}));
  return text;
}

}  // namespace shubbak
