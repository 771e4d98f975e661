#include "screens/shell/out_of_service_screen.hpp"

#include <cmath>

namespace shubbak {

OutOfServiceScreen::OutOfServiceScreen(UiContext& ui, std::string reason_key, std::string kiosk_id)
    : m_ui(ui), m_reason(std::move(reason_key)), m_kiosk_id(std::move(kiosk_id)) {
  m_ui.on_redraw([this] { changed(); });
  m_ui.on_appearance_changed([this] { changed(); });
}

void OutOfServiceScreen::draw_block(Canvas& canvas, Language language, const Rect& box) {
  const Theme& t = m_ui.theme();
  const int unit = m_ui.unit();
  const auto direction =
      is_right_to_left(language) ? TextDirection::right_to_left : TextDirection::left_to_right;
  auto style = [&](int size, FontWeight weight) {
    return TextStyle{static_cast<int>(std::lround(size * unit * t.text_scale)), weight};
  };
  auto title = m_ui.text().layout(m_ui.messages().get("out_of_service.title", language),
                                  style(7, FontWeight::bold), box.width, direction);
  auto body = m_ui.text().layout(m_ui.messages().get(m_reason, language),
                                 style(4, FontWeight::regular), box.width, direction);
  if (!title || !body) {
    m_ui.log().error("cannot lay out the out-of-service notice");
    return;
  }
  m_ui.text().draw(canvas, **title, box, TextAlign::start, t.text);
  Rect below{box.x, box.y + (*title)->height + 2 * unit, box.width, box.height};
  m_ui.text().draw(canvas, **body, below, TextAlign::start, t.text_muted);
}

void OutOfServiceScreen::draw(Canvas& canvas) {
  const Theme& t = m_ui.theme();
  const Size size = m_ui.screen();
  const int unit = m_ui.unit();
  const int margin = 4 * unit;
  canvas.clear(t.background);
  // A band in the warning colour says "not now" before a word is read.
  canvas.fill_rect({0, 0, size.width, 3 * unit}, t.danger);
  const int half = (size.height - 3 * unit) / 2;
  draw_block(canvas, Language::ar,
             {margin, 3 * unit + 4 * unit, size.width - 2 * margin, half - 6 * unit});
  canvas.fill_rect({margin, 3 * unit + half, size.width - 2 * margin, std::max(1, unit / 4)},
                   t.text_muted);
  draw_block(canvas, Language::en,
             {margin, 3 * unit + half + 4 * unit, size.width - 2 * margin, half - 6 * unit});
  // The kiosk's id lets a citizen or the counter report which kiosk is down.
  auto footer = m_ui.text().layout(m_kiosk_id,
                                   {static_cast<int>(3 * unit * t.text_scale), FontWeight::regular},
                                   size.width - 2 * margin, TextDirection::left_to_right);
  if (footer) {
    m_ui.text().draw(canvas, **footer,
                     {margin, size.height - 6 * unit, size.width - 2 * margin, 5 * unit},
                     TextAlign::center, t.text_muted);
  }
}

std::optional<Rect> OutOfServiceScreen::find_element(std::string_view id) const {
  if (id == "out-of-service") return Rect{0, 0, m_ui.screen().width, m_ui.screen().height};
  return std::nullopt;
}

}  // namespace shubbak
