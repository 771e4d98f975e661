// What one workflow step shows, already in the citizen's language: the runner fills it from the
// workflow engine, the step screen draws it. Plain data, so screens need not know the engine.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/civil_date.hpp"
#include "kiosk/core/language.hpp"

namespace shubbak {

struct StepOption {
  std::string id;
  std::string label;
  std::string detail;
};

struct StepField {
  enum class Input { text, number, phone, date, choice, multi_choice };
  std::string id;
  std::string label;
  std::string hint;
  Input input = Input::text;
  std::string text;                   // text, number, phone
  std::optional<CivilDate> date;      // date
  std::vector<StepOption> choices;    // choice, multi_choice
  std::vector<std::string> selected;  // choice (one), multi_choice
  std::string error;                  // why the answer is refused, empty when fine
};

struct StepView {
  enum class Kind { message, menu, form, review, waiting, finished };
  Kind kind = Kind::message;
  std::string service_title;
  std::string step_label;  // "Step 2 of 5"; empty on steps that are not the citizen's
  std::string title;
  std::string body;
  std::vector<StepOption> options;                           // menu; payment methods
  std::vector<StepField> fields;                             // form
  std::vector<std::pair<std::string, std::string>> summary;  // review: label, answer
  std::string primary;                                       // the main button's label; empty: none
  bool can_go_back = false;
  bool can_cancel = false;
};

struct StepActions {
  std::function<void()> primary;
  std::function<void()> back;
  std::function<void()> cancel;
  std::function<void(const std::string& option)> choose;
  std::function<void(const std::string& field, const std::string& text)> text_changed;
  std::function<void(const std::string& field, CivilDate date)> date_changed;
  std::function<void(const std::string& field, std::vector<std::string> values)> choices_changed;
  // The citizen picked another language: the step is shown again in it. Without it (or with
  // two languages or fewer, chosen on the attract screen) no language button is shown.
  std::function<void(Language language)> set_language;
};

}  // namespace shubbak
