// The words spoken guidance reads for a workflow step: the texts the step screen shows, in the
// order it shows them (title, text, the menu or the questions, then the buttons), each control
// announced by its kind ("Button: Next"). Built from the same StepView, so screen and voice
// never disagree.
#pragma once

#include <string>

#include "kiosk/core/language.hpp"
#include "kiosk/core/messages.hpp"
#include "screens/workflow/step_view.hpp"

namespace shubbak {

std::string spoken_step(const StepView& view, const Messages& messages, Language language);

// Joins spoken sentences: a full stop after each that has no closing punctuation of its own,
// so the voice pauses between them.
void append_sentence(std::string& text, std::string_view sentence);

// Amounts with Arabic-Indic digits ("١٫٢٥٠") with their decimal separator as a word, so the voice
// says "one point two hundred and fifty" rather than two numbers.
std::string with_spoken_decimal_point(std::string text, const Messages& messages,
                                      Language language);

}  // namespace shubbak
