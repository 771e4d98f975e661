#include "kiosk/workflow/bundle.hpp"

#include <fmt/format.h>

namespace shubbak::workflow {

Type Field::value_type() const {
  switch (kind) {
    case FieldKind::number:
      return Type::number;
    case FieldKind::money:
      return Type::money;
    case FieldKind::date:
      return Type::date;
    case FieldKind::multi_choice:
      return Type::list;
    case FieldKind::text:
    case FieldKind::phone:
    case FieldKind::national_id:
    case FieldKind::choice:
      return Type::text;
  }
  return Type::text;
}

std::string_view to_string(StepKind kind) {
  switch (kind) {
    case StepKind::info:
      return "info";
    case StepKind::menu:
      return "menu";
    case StepKind::form:
      return "form";
    case StepKind::review:
      return "review";
    case StepKind::read_id_card:
      return "read_id_card";
    case StepKind::scan_code:
      return "scan_code";
    case StepKind::payment:
      return "payment";
    case StepKind::submit:
      return "submit";
    case StepKind::print_receipt:
      return "print_receipt";
    case StepKind::queue_ticket:
      return "queue_ticket";
    case StepKind::end:
      return "end";
  }
  return "?";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return "ok";
    case Outcome::cancelled:
      return "cancelled";
    case Outcome::device_error:
      return "device_error";
    case Outcome::timeout:
      return "timeout";
    case Outcome::declined:
      return "declined";
    case Outcome::failed:
      return "failed";
  }
  return "?";
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  for (Outcome o : {Outcome::ok, Outcome::cancelled, Outcome::device_error, Outcome::timeout,
                    Outcome::declined, Outcome::failed}) {
    if (to_string(o) == text) return o;
  }
  return std::nullopt;
}

bool Step::is_device_step() const {
  return kind == StepKind::read_id_card || kind == StepKind::scan_code ||
         kind == StepKind::payment || kind == StepKind::print_receipt ||
         kind == StepKind::queue_ticket;
}

bool Step::waits_for_citizen() const {
  return kind != StepKind::submit && kind != StepKind::print_receipt &&
         kind != StepKind::queue_ticket;
}

const Field* Bundle::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const Step* Bundle::step(std::string_view step_id) const {
  for (const auto& s : steps) {
    if (s.id == step_id) return &s;
  }
  return nullptr;
}

FieldTypes Bundle::field_types() const {
  FieldTypes types;
  for (const auto& f : fields)
    types[f.name] = FieldType{f.value_type(), f.kind == FieldKind::money ? currency : ""};
  return types;
}

std::string format_errors(const std::vector<BundleError>& errors) {
  std::string out;
  for (const auto& e : errors) out += fmt::format("{}: {}\n", e.path, e.message);
  return out;
}

}  // namespace shubbak::workflow
