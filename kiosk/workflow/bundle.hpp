// A service bundle, loaded and validated (FORMAT.md). Immutable once loaded; shared by the
// engine, the menu and the receipt renderer.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/language.hpp"
#include "kiosk/core/pattern.hpp"
#include "kiosk/workflow/expression/expression.hpp"

namespace shubbak::workflow {

struct Text {
  std::string ar;
  std::string en;
  std::map<std::string, std::string, std::less<>> others;  // optional languages, by code
  // The text in `language`, else English, else Arabic (both always there).
  const std::string& in(Language language) const {
    if (language == Language::ar) return ar;
    if (language != Language::en) {
      if (auto it = others.find(to_string(language)); it != others.end() && !it->second.empty())
        return it->second;
    }
    return en;
  }
};

enum class FieldKind { text, number, money, date, phone, national_id, choice, multi_choice };

struct Choice {
  std::string value;
  Text label;
  std::optional<Expression> filter;
};

struct Field {
  std::string name;
  FieldKind kind = FieldKind::text;
  Text label;
  std::optional<Text> hint;
  bool required = false;
  std::optional<Expression> required_when;
  std::optional<Expression> relevant;
  std::optional<Expression> constraint;
  std::optional<Text> constraint_message;
  std::optional<Expression> calculate;
  std::optional<Expression> initial;  // "default"
  std::optional<std::string> pattern;
  std::shared_ptr<const Pattern> compiled_pattern;  // `pattern`, compiled by the reader
  std::optional<std::string> check_digit;
  std::optional<Expression> min, max;
  std::vector<Choice> choices;

  Type value_type() const;
};

enum class StepKind {
  info,
  menu,
  form,
  review,
  read_id_card,
  scan_code,
  payment,
  submit,
  print_receipt,
  queue_ticket,
  end
};

enum class Outcome { ok, cancelled, device_error, timeout, declined, failed };

std::string_view to_string(StepKind kind);
std::string_view to_string(Outcome outcome);
std::optional<Outcome> parse_outcome(std::string_view text);

struct MenuOption {
  std::string value;
  Text label;
  std::string next;
};

enum class EndResult { completed, cancelled, failed };

struct Step {
  std::string id;
  StepKind kind = StepKind::info;
  Text title;
  std::optional<Text> body;
  std::optional<int> timeout_seconds;
  std::string next;                          // info, form, review
  std::string field;                         // menu, scan_code
  std::vector<MenuOption> options;           // menu
  std::vector<std::string> fields;           // form, review
  std::string profile;                       // read_id_card
  std::map<std::string, std::string> fills;  // read_id_card: field -> card field
  std::optional<Expression> amount;          // payment
  std::vector<std::string> methods;          // payment: terminal, reference
  std::string counter;                       // queue_ticket
  std::map<Outcome, std::string> outcomes;   // device steps and submit
  EndResult result = EndResult::completed;   // end

  bool is_device_step() const;
  bool waits_for_citizen() const;  // false for submit, print_receipt, queue_ticket
};

struct ReceiptLine {
  Text label;
  Expression value;
};

struct Receipt {
  Text title;
  std::vector<ReceiptLine> lines;
  std::optional<Text> footer;
};

struct Bundle {
  std::string id;
  std::string version;
  std::string ministry;
  std::string category;
  Text title;
  Text description;
  std::vector<std::string> required_devices;  // "requires"
  std::string currency;
  std::vector<Field> fields;
  std::vector<Step> steps;
  std::string start;
  std::vector<std::string> record_fields;
  std::optional<Receipt> receipt;

  const Field* field(std::string_view name) const;
  const Step* step(std::string_view step_id) const;
  FieldTypes field_types() const;
};

// Every problem found in a bundle, each with its JSON path.
struct BundleError {
  std::string path;     // "$.steps[3].outcomes.timeout"
  std::string message;  // "unknown step \"finsh\""
};

// Parses and validates; on any error returns them all (the bundle is refused whole).
std::variant<std::shared_ptr<const Bundle>, std::vector<BundleError>> load_bundle(
    std::string_view json);

std::string format_errors(const std::vector<BundleError>& errors);

}  // namespace shubbak::workflow
