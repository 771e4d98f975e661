// The technician's PIN entry: a title, the PIN as dots (never its digits), a keypad, a status
// line (wrong PIN, locked, checking...) and a cancel button back to the attract screen.
// The screen only collects digits; who checks them is the caller's business (on a worker).
// Elements: the keypad's, "pin_dots", "pin_status", "cancel". UI thread only.
#pragma once

#include <functional>
#include <string>

#include "screens/shell/pin_pad.hpp"
#include "screens/ui/label.hpp"
#include "screens/ui/widget_screen.hpp"

namespace shubbak {

class TechnicianPinScreen final : public WidgetScreen {
 public:
  static constexpr std::size_t k_max_digits = 12;

  explicit TechnicianPinScreen(UiContext& ui);
  ~TechnicianPinScreen() override;

  // Enter with at least one digit: the PIN is handed over and the field cleared.
  void on_submit(std::function<void(std::string pin)> h) { m_on_submit = std::move(h); }
  void on_cancel(std::function<void()> h) { m_on_cancel = std::move(h); }
  // While a check runs, keys are ignored.
  void set_busy(bool busy);
  void set_status(std::string text, bool is_error);
  std::size_t digits_entered() const { return m_pin.size(); }

  // Any touch or key on this screen (the technician's idle timer).
  void on_touch(std::function<void()> h) { m_on_touch = std::move(h); }
  void on_pointer(const PointerEvent& event) override {
    if (m_on_touch) m_on_touch();
    WidgetScreen::on_pointer(event);
  }
  // From a keyboard or keypad: digits typed go into the PIN, Backspace erases the last, Enter
  // submits (or, while the keypad's focus is on a key of the pad or on Cancel, presses that).
  // The PIN is announced by its length only, never a digit.
  void on_key(const KeyEvent& event) override;

 private:
  std::function<void()> m_on_touch;
  void show_dots();
  // A key of the pad, tapped or typed.
  void press(PinPad::Key key, char digit);
  UiContext& m_ui;

  std::string m_pin;
  bool m_busy = false;
  Label* m_dots = nullptr;
  Label* m_status = nullptr;
  std::function<void(std::string)> m_on_submit;
  std::function<void()> m_on_cancel;
};

}  // namespace shubbak
