// The screen of one workflow step, in the citizen's language and reading direction: a header
// with the service and step titles, the step's content (a message, a menu, a form, a summary to
// check, or a wait with a spinner), and back / cancel / continue buttons at the bottom, where
// a hand reaches. Element ids for scripts: "primary", "back", "cancel", "option:<id>", the
// fields' ids, "<field>:choice:<id>", and on a kiosk of more than two languages "language",
// which opens the picker ("language:<code>").
#pragma once

#include <memory>

#include "screens/ui/widget_screen.hpp"
#include "screens/workflow/step_view.hpp"

namespace shubbak {

class StepScreen final : public WidgetScreen {
 public:
  StepScreen(UiContext& ui, StepView view, StepActions actions);

  std::optional<Rect> find_element(std::string_view id) const override;
  // What the screen shows (for tests and the screen reader).
  const StepView& view() const { return m_view; }
  std::string spoken_text() const override;

 private:
  void show_language_picker();

  StepView m_view;
  StepActions m_actions;
  UiContext& m_context;
  const Messages& m_messages;
  Language m_language;  // the view's texts are in the language of the moment it was built
};

}  // namespace shubbak
