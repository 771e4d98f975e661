#include "screens/shell/welcome_screen.hpp"

#include <algorithm>
#include <utility>

namespace shubbak {

namespace {

constexpr Color k_background{245, 243, 238};
constexpr Color k_brand{11, 93, 75};
constexpr Color k_brand_pressed{7, 64, 52};
constexpr Color k_white{255, 255, 255};
constexpr Color k_ink{27, 27, 27};
constexpr Color k_ink_soft{61, 61, 61};
constexpr Color k_ink_faint{107, 107, 107};
constexpr Color k_button_pressed{222, 236, 231};

constexpr double k_min_touch_mm = 15.0;

TextDirection direction_of(Language language) {
  return is_right_to_left(language) ? TextDirection::right_to_left : TextDirection::left_to_right;
}

}  // namespace

WelcomeScreen::WelcomeScreen(TextEngine& text, const Messages& messages, Size size, Options options, Log log)
    : m_text(text), m_messages(messages), m_size(size), m_options(std::move(options)), m_log(std::move(log)) {
  lay_out();
}

void WelcomeScreen::lay_out() {
  const int w = m_size.width, h = m_size.height;
  const int unit = std::min(w, h) / 100;
  const int touch = millimetres_to_pixels(k_min_touch_mm, m_options.dpi);
  const int margin = 3 * unit;
  const bool rtl = is_right_to_left(m_options.language);

  const int header_height = std::max(11 * unit, touch + 2 * unit);
  m_header = {0, 0, w, header_height};
  const int lang_w = std::max(24 * unit, touch), lang_h = std::max(header_height - 3 * unit, touch);
  // The language button sits at the end of the reading direction: right in English, left in Arabic.
  m_language_button = {rtl ? margin : w - margin - lang_w, (header_height - lang_h) / 2, lang_w, lang_h};

  m_title = {margin, h * 26 / 100, w - 2 * margin, 14 * unit};
  m_subtitle = {margin, m_title.bottom() + 2 * unit, w - 2 * margin, 14 * unit};
  const int start_w = std::clamp(w * 45 / 100, touch * 3, w - 2 * margin);
  const int start_h = std::max(13 * unit, touch);
  m_start_button = {(w - start_w) / 2, h * 62 / 100, start_w, start_h};
  m_footer = {margin, h - 8 * unit, w - 2 * margin, 5 * unit};
}

void WelcomeScreen::draw_text(Canvas& canvas, std::string_view text, const TextStyle& style, const Rect& box,
                              TextAlign align, Color color, TextDirection direction) {
  auto layout = m_text.layout(text, style, box.width, direction);
  if (!layout) {
    m_log.error("cannot lay out text: {}", layout.error().describe());
    return;
  }
  m_text.draw(canvas, **layout, box, align, color);
}

void WelcomeScreen::draw(Canvas& canvas) {
  const Language lang = m_options.language;
  const TextDirection dir = direction_of(lang);
  const int unit = std::min(m_size.width, m_size.height) / 100;
  const int margin = 3 * unit;

  canvas.clear(k_background);

  canvas.fill_rect(m_header, k_brand);
  const TextStyle brand_style{6 * unit, FontWeight::bold};
  Rect brand_box{margin, 0, m_size.width - 2 * margin, m_header.height};
  // Vertically centre one line of text in a box.
  auto centred = [](Rect box, int line_height) {
    box.y += (box.height - line_height) / 2;
    return box;
  };
  if (auto brand = m_text.layout(m_messages.get("app.name", lang), brand_style, 0, dir)) {
    m_text.draw(canvas, **brand, centred(brand_box, (*brand)->line_height), TextAlign::start, k_white);
  }

  canvas.fill_rect(m_language_button, m_pressed == Element::language ? k_button_pressed : k_white);
  const TextStyle button_style{4 * unit, FontWeight::bold};
  if (auto label = m_text.layout(m_messages.get("welcome.switch_language", lang), button_style, 0,
                                 TextDirection::automatic)) {
    m_text.draw(canvas, **label, centred(m_language_button, (*label)->line_height), TextAlign::center, k_brand);
  }

  draw_text(canvas, m_messages.get("welcome.title", lang), {9 * unit, FontWeight::bold}, m_title,
            TextAlign::center, k_ink, dir);
  draw_text(canvas, m_messages.get("welcome.subtitle", lang), {4 * unit, FontWeight::regular}, m_subtitle,
            TextAlign::center, k_ink_soft, dir);

  canvas.fill_rect(m_start_button, m_pressed == Element::start ? k_brand_pressed : k_brand);
  if (auto start = m_text.layout(m_messages.get("welcome.start", lang), {5 * unit, FontWeight::bold}, 0, dir)) {
    m_text.draw(canvas, **start, centred(m_start_button, (*start)->line_height), TextAlign::center, k_white);
  }

  std::string footer = m_messages.format("welcome.footer", lang,
                                         {{"kiosk", m_options.kiosk_id}, {"version", m_options.version}});
  draw_text(canvas, footer, {3 * unit, FontWeight::regular}, m_footer, TextAlign::start, k_ink_faint, dir);
}

WelcomeScreen::Element WelcomeScreen::hit(Point p) const {
  if (m_language_button.contains(p)) return Element::language;
  if (m_start_button.contains(p)) return Element::start;
  return Element::none;
}

void WelcomeScreen::on_pointer(const PointerEvent& event) {
  switch (event.kind) {
    case PointerEvent::Kind::down:
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
        m_options.language = other_language(m_options.language);
        m_log.info("language switched to {}", to_string(m_options.language));
        lay_out();
        if (m_on_language_changed) m_on_language_changed(m_options.language);
      } else if (pressed == Element::start && m_on_start) {
        m_on_start();
      }
      break;
    }
  }
}

std::optional<Rect> WelcomeScreen::find_element(std::string_view id) const {
  if (id == "language") return m_language_button;
  if (id == "start") return m_start_button;
  return std::nullopt;
}

}  // namespace shubbak
