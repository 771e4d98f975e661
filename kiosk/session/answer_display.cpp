#include "kiosk/session/answer_display.hpp"

#include <variant>
#include <vector>

namespace shubbak {

std::string display_answer(const UiContext& ui, const workflow::WorkflowEngine& engine,
                           const workflow::Field& field, const workflow::Value& value) {
  if (value.is_null()) return "—";
  auto label_of = [&](const std::string& choice_value) -> const workflow::Text* {
    for (const auto& c : field.choices) {
      if (c.value == choice_value) return &c.label;
    }
    return nullptr;
  };
  if (const auto* s = std::get_if<std::string>(&value.data)) {
    const workflow::Text* label = label_of(*s);
    return label ? display_text(ui, engine, *label) : *s;
  }
  if (const auto* list = std::get_if<std::vector<std::string>>(&value.data)) {
    std::string out;
    for (const auto& v : *list) {
      if (const workflow::Text* label = label_of(v))
        out += (out.empty() ? "" : "، ") + display_text(ui, engine, *label);
    }
    return out;
  }
  if (const auto* money = std::get_if<Money>(&value.data))
    return ui.format().money(*money).value_or(value.to_display_string());
  if (const auto* date = std::get_if<CivilDate>(&value.data)) {
    return ui.format().date(*date, CalendarKind::gregorian).value_or(value.to_display_string());
  }
  if (const auto* number = std::get_if<workflow::Decimal>(&value.data)) {
    if (number->scale() == 0) return ui.format().integer(number->units(), false);
  }
  return value.to_display_string();
}

std::string display_text(const UiContext& ui, const workflow::WorkflowEngine& engine,
                         const workflow::Text& text) {
  return engine.text(text, ui.language(), [&](const workflow::Field& f, const workflow::Value& v) {
    return display_answer(ui, engine, f, v);
  });
}

}  // namespace shubbak
