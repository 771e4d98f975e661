#include "screens/workflow/step_speech.hpp"

#include <array>

namespace shubbak {

void append_sentence(std::string& text, std::string_view sentence) {
  while (!sentence.empty() && (sentence.back() == ' ' || sentence.back() == '\n'))
    sentence.remove_suffix(1);
  if (sentence.empty()) return;
  if (!text.empty()) text += ' ';
  text += sentence;
  // ".", "!", "?", ":" and the Arabic question mark "؟" already end a sentence.
  static constexpr std::array<std::string_view, 5> k_endings = {".", "!", "?", ":", "؟"};
  for (auto ending : k_endings) {
    if (sentence.ends_with(ending)) return;
  }
  text += '.';
}

std::string spoken_step(const StepView& view, const Messages& messages, Language language) {
  std::string text;
  auto announce = [&](std::string_view kind, std::string_view label) {
    append_sentence(text, messages.format(kind, language, {{"label", label}}));
  };
  if (!view.step_label.empty()) append_sentence(text, view.step_label);
  append_sentence(text, view.title);
  append_sentence(text, view.body);

  switch (view.kind) {
    case StepView::Kind::menu:
      for (const auto& option : view.options) announce("speech.option", option.label);
      break;
    case StepView::Kind::form:
      for (const auto& field : view.fields) {
        announce("speech.field", field.label);
        for (const auto& choice : field.choices) announce("speech.option", choice.label);
        if (!field.error.empty()) announce("speech.error", field.error);
      }
      break;
    case StepView::Kind::review:
      for (const auto& [label, value] : view.summary) append_sentence(text, label + ": " + value);
      break;
    case StepView::Kind::message:
    case StepView::Kind::waiting:
    case StepView::Kind::finished:
      break;
  }

  // The buttons in the order the screen lays them out (start to end of the reading direction).
  if (view.can_go_back) announce("speech.button", messages.get("step.back", language));
  if (view.can_cancel) announce("speech.button", messages.get("step.cancel", language));
  if (view.kind == StepView::Kind::message) {
    for (const auto& option : view.options) announce("speech.button", option.label);
  }
  if (!view.primary.empty()) announce("speech.button", view.primary);
  return with_spoken_decimal_point(std::move(text), messages, language);
}

std::string with_spoken_decimal_point(std::string text, const Messages& messages,
                                      Language language) {
  // espeak-ng reads "١٫٢٥٠" as "one, two hundred and fifty": the separator must be a word.
  static constexpr std::string_view k_arabic_decimal_separator = "\u066B";
  const std::string word = " " + std::string(messages.get("speech.decimal_point", language)) + " ";
  for (auto at = text.find(k_arabic_decimal_separator); at != std::string::npos;
       at = text.find(k_arabic_decimal_separator, at + word.size())) {
    text.replace(at, k_arabic_decimal_separator.size(), word);
  }
  return text;
}

}  // namespace shubbak
