#include "tests/integration/ui/gallery.hpp"

#include <fstream>

#include "screens/ui/button.hpp"
#include "screens/ui/choice.hpp"
#include "screens/ui/countdown_banner.hpp"
#include "screens/ui/date_input.hpp"
#include "screens/ui/label.hpp"
#include "screens/ui/list_view.hpp"
#include "screens/ui/progress.hpp"

namespace shubbak::testing {

namespace {

// Test texts in both languages.
std::string pick(UiContext& ui, std::string ar, std::string en) {
  return ui.language() == Language::ar ? ar : en;
}

// Places children at fixed rectangles: for showing one text at several widths.
class FixedLayout final : public Container {
 public:
  using Container::Container;
  template <class W, class... Args>
  W& place(Rect at, Args&&... args) {
    W& w = add<W>(std::forward<Args>(args)...);
    m_places.push_back(at);
    return w;
  }
  Size measure(int available_width) override { return {available_width, m_ui.screen().height}; }
  void arrange(const Rect& bounds) override {
    Widget::arrange(bounds);
    for (std::size_t i = 0; i < m_children.size(); ++i) m_children[i]->arrange(m_places[i]);
  }
  void draw(Canvas& canvas) override {
    for (std::size_t i = 0; i < m_children.size(); ++i) {
      paint_border(canvas, m_places[i], m_ui.theme().border, 1);
      m_children[i]->draw(canvas);
    }
  }

 private:
  std::vector<Rect> m_places;
};

}  // namespace

std::unique_ptr<WidgetScreen> make_gallery(UiContext& ui) {
  const int u = ui.unit();
  auto root = std::make_unique<Row>(ui, 3 * u, "root");
  auto& first = root->add<Column>(u, 2 * u, Align::stretch);
  auto& second = root->add<Column>(u + u / 2, 2 * u, Align::stretch);

  first.add<Label>(pick(ui, "طلب شهادة ميلاد", "Birth certificate request"), TextRole::title,
                   TextAlign::start);
  first.add<Label>(pick(ui, "رقم الطلب 12345 للمواطن Ahmed (ID: AB-77) شكرا",
                        "Request 12345 for citizen أحمد (ID: AB-77), thank you"),
                   TextRole::body, TextAlign::start);
  first.add<Label>(
      pick(ui, "الحكومة الإلكترونية 2018 (مسقط) [عُمان]", "E-government 2018 (Muscat) [Oman]"),
      TextRole::body, TextAlign::start);
  const auto& fmt = ui.format();
  first.add<Label>(fmt.money({1250, "OMR"}).value_or("?") + "  ·  " +
                       fmt.money({7500, "JOD"}).value_or("?") + "  ·  " +
                       fmt.money({123456, "KWD"}).value_or("?"),
                   TextRole::body, TextAlign::start);
  first.add<Label>(fmt.date({2026, 11, 21}, CalendarKind::hijri_umm_al_qura).value_or("?") +
                       "  —  " + fmt.date({2026, 11, 21}, CalendarKind::gregorian).value_or("?"),
                   TextRole::body, TextAlign::start);
  auto& name = first.add<TextField>(pick(ui, "الاسم الكامل", "Full name"), InputKind::text, "name");
  name.set_text(pick(ui, "أحمد بن سالم Al-Harthy", "Ahmed bin Salim الحارثي"));
  first.add<TextField>(pick(ui, "رقم الهاتف", "Phone number"), InputKind::phone, "phone");
  first.add<Checkbox>(pick(ui, "أوافق على الشروط والأحكام", "I accept the terms and conditions"),
                      true, "terms");
  first.add<RadioGroup>(std::vector<std::string>{pick(ui, "بطاقة الهوية", "ID card"),
                                                 pick(ui, "جواز السفر", "Passport")},
                        0, "document");

  second.add<DateInput>(CivilDate{1990, 3, 15}, 1900, 2030, "birth");
  auto& buttons = second.add<Row>(2 * u);
  buttons.add<Button>(pick(ui, "متابعة", "Continue"), Button::Style::primary, "continue");
  buttons.add<Button>(pick(ui, "رجوع", "Back"), Button::Style::secondary, "back");
  auto& disabled = buttons.add<Button>(pick(ui, "دفع", "Pay"), Button::Style::primary, "pay");
  disabled.set_enabled(false);
  second.add<ProgressBar>(0.6, "progress");
  second.add<Spinner>("spinner");
  second.add<ListView>(
      std::vector<ListItem>{{pick(ui, "دفع رسوم البلدية", "Pay municipal fees"),
                             pick(ui, "رسوم النفايات والإنارة", "Waste and lighting fees")},
                            {pick(ui, "طلب شهادة", "Request a certificate"), ""},
                            {pick(ui, "حجز موعد صحي", "Book a health appointment"), ""},
                            {pick(ui, "تجديد جواز السفر", "Renew a passport"), ""}},
      "services", 2);
  auto& banner = second.add<CountdownBanner>("countdown");
  banner.start(30);
  // Held at 30 s: the goldens of this page must not depend on how long a loaded machine takes to
  // draw it (a tick between two screenshots showed 29).
  banner.stop();
  return std::make_unique<WidgetScreen>(ui, std::move(root));
}

std::unique_ptr<WidgetScreen> make_keyboard_screen(UiContext& ui, OnScreenKeyboard::Layout layout) {
  const int u = ui.unit();
  auto root = std::make_unique<Column>(ui, 2 * u, 4 * u, Align::stretch, "root");
  root->add<Label>(pick(ui, "اكتب اسمك", "Type your name"), TextRole::heading, TextAlign::start);
  auto& field = root->add<TextField>(
      pick(ui, "الاسم", "Name"),
      layout == OnScreenKeyboard::Layout::numeric ? InputKind::number : InputKind::text, "field");
  auto screen = std::make_unique<WidgetScreen>(ui, std::move(root));
  ui.set_focus(&field);
  screen->show_keyboard(layout);
  return screen;
}

std::unique_ptr<WidgetScreen> make_paragraph_screen(UiContext& ui) {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) +
                   "/tests/fixtures/seeds/003_f372feb9cc88fb8e.txt");
  std::string paragraph;
  for (int line = 0; line < 3 && std::getline(in, paragraph); ++line) {
  }
  auto root = std::make_unique<FixedLayout>(ui, "root");
  root->place<Label>({1920 - 40 - 900, 40, 900, 1000}, paragraph, TextRole::body, TextAlign::start);
  root->place<Label>({1920 - 40 - 900 - 40 - 560, 40, 560, 1000}, paragraph, TextRole::body,
                     TextAlign::start);
  root->place<Label>({40, 40, 300, 1000}, paragraph, TextRole::caption, TextAlign::start);
  return std::make_unique<WidgetScreen>(ui, std::move(root));
}

}  // namespace shubbak::testing
