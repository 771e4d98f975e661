#include "screens/shell/welcome_screen.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "screens/shell/speaker_mark.hpp"

namespace shubbak {

WelcomeScreen::WelcomeScreen(UiContext& ui, Options options)
    : m_ui(ui), m_options(std::move(options)) {
  m_ui.on_redraw([this] { changed(); });
  m_ui.on_appearance_changed([this] { lay_out(); });
  lay_out();
}

TextStyle WelcomeScreen::scaled(int size_px, FontWeight weight) const {
  return {static_cast<int>(std::lround(size_px * m_ui.theme().text_scale)), weight};
}

void WelcomeScreen::lay_out() {
  const Size size = m_ui.screen();
  const int w = size.width, h = size.height;
  const int unit = m_ui.unit();
  const int touch = m_ui.touch_target();
  const int margin = 3 * unit;
  const bool rtl = m_ui.right_to_left();

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

  m_title = {margin, h * 26 / 100, w - 2 * margin, 14 * unit};
  m_subtitle = {margin, m_title.bottom() + 2 * unit, w - 2 * margin, 14 * unit};
  const int start_w = std::clamp(w * 45 / 100, touch * 3, w - 2 * margin);
  const int start_h = std::max(13 * unit, touch);
  m_start_button = {(w - start_w) / 2, h * 62 / 100, start_w, start_h};
  m_highlight = {margin, m_start_button.y - 14 * unit, w - 2 * margin, 8 * unit};
  m_footer = {margin, h - 8 * unit, w - 2 * margin, 5 * unit};
  // Below the start button, within reach from a wheelchair, as wide as the start button.
  m_speech_toggle = {m_start_button.x, m_start_button.bottom() + 4 * unit, start_w,
                     std::max(10 * unit, touch)};
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

  canvas.fill_rect(m_language_button,
                   m_pressed == Element::language ? t.surface_pressed : t.surface);
  // The label is in the other language, so its own content decides its direction.
  draw_text(canvas, m_ui.message("welcome.switch_language"), scaled(4 * unit, FontWeight::bold),
            m_language_button, TextAlign::center, t.primary, TextDirection::automatic, true);

  canvas.fill_rect(m_display_button, m_pressed == Element::display ? t.surface_pressed : t.surface);
  draw_text(canvas, m_ui.message(display_label_key()), scaled(4 * unit, FontWeight::bold),
            m_display_button, TextAlign::center, t.primary, dir, true);

  draw_text(canvas, m_ui.message("welcome.title"), scaled(9 * unit, FontWeight::bold), m_title,
            TextAlign::center, t.text, dir);
  draw_text(canvas, m_ui.message("welcome.subtitle"), scaled(4 * unit, FontWeight::regular),
            m_subtitle, TextAlign::center, t.text_muted, dir);

  const std::string& highlight = m_ui.language() == Language::ar ? m_highlight_ar : m_highlight_en;
  if (!highlight.empty()) {
    draw_text(
        canvas,
        m_ui.messages().format("welcome.available", m_ui.language(), {{"service", highlight}}),
        scaled(5 * unit, FontWeight::bold), m_highlight, TextAlign::center, t.primary, dir, true);
  }

  canvas.fill_rect(m_start_button, m_pressed == Element::start ? t.primary_pressed : t.primary);
  draw_text(canvas, m_ui.message("welcome.start"), scaled(5 * unit, FontWeight::bold),
            m_start_button, TextAlign::center, t.on_primary, dir, true);

  if (m_toggle_speech) draw_speech_toggle(canvas);

  std::string footer =
      m_ui.messages().format("welcome.footer", m_ui.language(),
                             {{"kiosk", m_options.kiosk_id}, {"version", m_options.version}});
  draw_text(canvas, footer, scaled(3 * unit, FontWeight::regular), m_footer, TextAlign::start,
            t.text_muted, dir);
}

void WelcomeScreen::set_highlight(std::string title_ar, std::string title_en) {
  if (title_ar == m_highlight_ar && title_en == m_highlight_en) return;
  m_highlight_ar = std::move(title_ar);
  m_highlight_en = std::move(title_en);
  changed();
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

WelcomeScreen::Element WelcomeScreen::hit(Point p) const {
  if (m_language_button.contains(p)) return Element::language;
  if (m_display_button.contains(p)) return Element::display;
  if (m_start_button.contains(p)) return Element::start;
  if (m_toggle_speech && m_speech_toggle.contains(p)) return Element::speech;
  return Element::none;
}

void WelcomeScreen::on_key(const KeyEvent& event) {
  if (event.kind == KeyEvent::Kind::enter && m_on_start) m_on_start();
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
      if (m_pressed != Element::none) changed();
      break;
    case PointerEvent::Kind::move:
      // Sliding off a button cancels the press, as on a phone.
      if (m_pressed != Element::none && hit(event.position) != m_pressed) {
        m_pressed = Element::none;
        changed();
      }
      break;
    case PointerEvent::Kind::up: {
      Element released = hit(event.position);
      Element pressed = std::exchange(m_pressed, Element::none);
      if (pressed == Element::none) break;
      changed();
      if (released != pressed) break;
      if (pressed == Element::language) {
        Language next = other_language(m_ui.language());
        m_ui.log().info("language switched to {}", to_string(next));
        m_ui.set_language(next);
        speak_again();
      } else if (pressed == Element::display) {
        const Theme& next = next_display_theme(m_ui.theme());
        m_ui.log().info("display switched to {}", next.name);
        m_ui.set_theme(next);
        speak_again();
      } else if (pressed == Element::speech) {
        m_speech_on = m_toggle_speech();
        m_ui.log().info("spoken guidance {}", m_speech_on ? "on" : "off");
        changed();
        speak_again();
      } else if (pressed == Element::start && m_on_start) {
        m_on_start();
      }
      break;
    }
  }
}

std::optional<Rect> WelcomeScreen::find_element(std::string_view id) const {
  if (id == "language") return m_language_button;
  if (id == "display") return m_display_button;
  if (id == "start") return m_start_button;
  if (id == "speech" && m_toggle_speech) return m_speech_toggle;
  if (id == "technician_corner") return m_technician_corner;
  return std::nullopt;
}

void WelcomeScreen::offer_speech_toggle(bool on, std::function<bool()> toggle) {
  m_speech_on = on;
  m_toggle_speech = std::move(toggle);
  changed();
}

void WelcomeScreen::draw_speech_toggle(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  const int unit = m_ui.unit();
  const bool rtl = m_ui.right_to_left();
  // On: filled like a primary button; off: an outlined surface. The mark and the words agree.
  Color fill = m_speech_on ? (m_pressed == Element::speech ? t.primary_pressed : t.primary)
                           : (m_pressed == Element::speech ? t.surface_pressed : t.surface);
  Color ink = m_speech_on ? t.on_primary : t.primary;
  const Rect& r = m_speech_toggle;
  canvas.fill_rect(r, t.primary);
  const int b = t.border_px;
  canvas.fill_rect({r.x + b, r.y + b, r.width - 2 * b, r.height - 2 * b}, fill);

  const int mark = r.height - 2 * unit;
  Rect mark_box{rtl ? r.right() - unit - mark : r.x + unit, r.y + unit, mark, mark};
  draw_speaker_mark(canvas, mark_box, m_speech_on, rtl, ink);

  // Both languages, the citizen's first: someone who cannot read this one still finds it.
  std::string_view key = m_speech_on ? "welcome.speech_on" : "welcome.speech_off";
  Language first = m_ui.language(), second = other_language(first);
  Rect words{rtl ? r.x + unit : mark_box.right() + unit, r.y, r.width - mark - 3 * unit,
             r.height / 2};
  draw_text(canvas, m_ui.messages().get(key, first), scaled(4 * unit, FontWeight::bold),
            {words.x, words.y + unit / 2, words.width, words.height}, TextAlign::start, ink,
            m_ui.direction(), true);
  draw_text(canvas, m_ui.messages().get(key, second), scaled(3 * unit, FontWeight::regular),
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
