#include "screens/shell/technician_pin_screen.hpp"

#include <algorithm>

#include "screens/shell/bottom_bar_page.hpp"
#include "screens/shell/pin_pad.hpp"
#include "screens/ui/button.hpp"

namespace shubbak {

namespace {

std::unique_ptr<BottomBarPage> make_page(UiContext& ui) {
  auto page = std::make_unique<BottomBarPage>(ui, 3 * ui.unit());
  page->content().add<Label>(std::string(ui.message("technician.pin_title")), TextRole::title,
                             TextAlign::center, "title");
  page->content().add<Label>(std::string(ui.message("technician.pin_prompt")), TextRole::body,
                             TextAlign::center, "prompt");
  page->content().add<Label>(" ", TextRole::title, TextAlign::center, "pin_dots");
  page->content().add<Label>(" ", TextRole::body, TextAlign::center, "pin_status");
  page->content().add<CentredBox>(ui.touch_target() * 7).add<PinPad>();
  Row& buttons = page->bar().add<Row>(2 * ui.unit());
  buttons.add<Button>(std::string(ui.message("step.cancel")), Button::Style::secondary, "cancel");
  return page;
}

}  // namespace

TechnicianPinScreen::TechnicianPinScreen(UiContext& ui)
    : WidgetScreen(ui, make_page(ui)), m_ui(ui) {
  m_dots = static_cast<Label*>(root().find("pin_dots"));
  m_status = static_cast<Label*>(root().find("pin_status"));
  static_cast<PinPad*>(root().find("pin_pad"))->on_press([this](PinPad::Key key, char digit) {
    press(key, digit);
  });
  static_cast<Button*>(root().find("cancel"))->on_click([this] {
    if (m_on_cancel) m_on_cancel();
  });
}

void TechnicianPinScreen::press(PinPad::Key key, char digit) {
  if (m_busy) return;
  switch (key) {
    case PinPad::Key::digit:
      if (m_pin.size() < k_max_digits) m_pin.push_back(digit);
      break;
    case PinPad::Key::erase:
      if (!m_pin.empty()) m_pin.pop_back();
      break;
    case PinPad::Key::enter:
      if (m_pin.empty() || !m_on_submit) return;
      std::string pin = std::move(m_pin);
      std::fill(m_pin.begin(), m_pin.end(), '\0');
      m_pin.clear();
      show_dots();
      m_on_submit(std::move(pin));
      return;
  }
  show_dots();
  // Its length only: a voice in an earpiece or a room must never give a digit away.
  m_ui.announce(m_ui.messages().format("speech.characters", m_ui.language(),
                                       {{"count", std::to_string(m_pin.size())}}));
}

void TechnicianPinScreen::on_key(const KeyEvent& event) {
  if (m_on_touch) m_on_touch();  // typing is presence too, for the idle timer
  switch (event.kind) {
    case KeyEvent::Kind::text:
      for (char c : event.text) {
        if (c >= '0' && c <= '9') press(PinPad::Key::digit, c);
      }
      return;
    case KeyEvent::Kind::backspace:
      return press(PinPad::Key::erase, 0);
    case KeyEvent::Kind::enter:
      if (!m_ui.focused()) return press(PinPad::Key::enter, 0);
      break;
    default:
      break;
  }
  WidgetScreen::on_key(event);
}

TechnicianPinScreen::~TechnicianPinScreen() {
  std::fill(m_pin.begin(), m_pin.end(), '\0');
}

void TechnicianPinScreen::show_dots() {
  std::string dots;
  for (std::size_t i = 0; i < m_pin.size(); ++i) dots += "●";
  m_dots->set_text(dots.empty() ? " " : dots);
  relayout();
}

void TechnicianPinScreen::set_busy(bool busy) {
  m_busy = busy;
}

void TechnicianPinScreen::set_status(std::string text, bool is_error) {
  m_status->set_tone(is_error ? Label::Tone::danger : Label::Tone::muted);
  m_status->set_text(std::move(text));
  relayout();
}

}  // namespace shubbak
