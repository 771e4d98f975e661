// How a citizen's answer reads, wherever the kiosk shows it: on the session's screens and on the
// printed receipt. A choice reads as its label, money, dates and whole numbers in the format of
// the citizen's language, and a text's {field} placeholders (FORMAT.md, Text) are filled with
// these forms. One definition, so a receipt never says what the screen did not.
#pragma once

#include <string>

#include "kiosk/workflow/engine.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

// `value` of `field` as the citizen reads it in the current language; "—" when unanswered. A
// choice's label may itself hold placeholders, filled from `engine`'s answers.
std::string display_answer(const UiContext& ui, const workflow::WorkflowEngine& engine,
                           const workflow::Field& field, const workflow::Value& value);

// `text` in the current language with its placeholders filled from `engine`'s answers.
std::string display_text(const UiContext& ui, const workflow::WorkflowEngine& engine,
                         const workflow::Text& text);

}  // namespace shubbak
