// The technician's screen: diagnostics (label and value per row, in two columns) at the top, the
// result of the last action below them, and the actions in two rows of buttons at the bottom.
// Values arrive later (they are gathered on workers): set_value() fills them in place.
// Elements: "diag:ID" (a value), "action_status", "action:ID" (a button). UI thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "screens/ui/label.hpp"
#include "screens/ui/widget_screen.hpp"

namespace shubbak {

struct DiagnosticRow {
  std::string id;     // "outbox": the value is element "diag:outbox"
  std::string label;  // in the UI's language
  std::string value;
  bool wide = false;  // a long value (the bundle list): a full-width row under the two columns
};

struct TechnicianAction {
  std::string id;  // "print": the button is element "action:print"
  std::string label;
  bool danger = false;
};

class TechnicianScreen final : public WidgetScreen {
 public:
  TechnicianScreen(UiContext& ui, std::string heading, std::vector<DiagnosticRow> rows,
                   std::vector<std::vector<TechnicianAction>> action_rows);

  void on_action(std::function<void(const std::string& id)> h) { m_on_action = std::move(h); }
  void set_value(const std::string& id, std::string value);
  std::string value(const std::string& id) const;
  void set_status(std::string text, bool is_error);
  std::string status() const;
  void set_action_label(const std::string& id, std::string label);

  // Any touch or key on this screen (the technician's idle timer: a technician working by
  // keypad is as present as one touching the screen).
  void on_touch(std::function<void()> h) { m_on_touch = std::move(h); }
  void on_pointer(const PointerEvent& event) override {
    if (m_on_touch) m_on_touch();
    WidgetScreen::on_pointer(event);
  }
  void on_key(const KeyEvent& event) override {
    if (m_on_touch) m_on_touch();
    WidgetScreen::on_key(event);
  }

 private:
  std::function<void()> m_on_touch;
  std::function<void(const std::string&)> m_on_action;
};

}  // namespace shubbak
