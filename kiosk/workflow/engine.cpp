#include "kiosk/workflow/engine.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <unicode/regex.h>

#include "kiosk/workflow/expression/check_digit.hpp"

namespace shubbak::workflow {

namespace {

// Citizens type Arabic-Indic digits and the Arabic decimal separator; the engine stores
// Western digits.
std::string western_digits(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto b0 = static_cast<unsigned char>(text[i]);
    auto b1 = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (b0 == 0xD9 && b1 >= 0xA0 && b1 <= 0xA9) {  // U+0660..0669
      out += static_cast<char>('0' + (b1 - 0xA0));
      ++i;
    } else if (b0 == 0xDB && b1 >= 0xB0 && b1 <= 0xB9) {  // U+06F0..06F9
      out += static_cast<char>('0' + (b1 - 0xB0));
      ++i;
    } else if (b0 == 0xD9 && b1 == 0xAB) {  // U+066B Arabic decimal separator
      out += '.';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

bool is_empty(const Value& v) {
  if (v.is_null()) return true;
  if (const auto* s = std::get_if<std::string>(&v.data)) return s->empty();
  if (const auto* l = std::get_if<std::vector<std::string>>(&v.data)) return l->empty();
  return false;
}

bool matches_whole(const std::string& pattern, const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher(new icu::RegexMatcher(
      icu::UnicodeString::fromUTF8(pattern), icu::UnicodeString::fromUTF8(text), 0, status));
  if (U_FAILURE(status)) return false;
  matcher->setTimeLimit(50, status);  // bounded: a pathological pattern cannot hang the kiosk
  bool whole = matcher->matches(status);
  return U_SUCCESS(status) && whole;
}

// -1, 0, 1 for two values of one ordered type; nullopt when they cannot be compared.
std::optional<int> compare(const Value& a, const Value& b) {
  if (const auto* x = std::get_if<Decimal>(&a.data)) {
    if (const auto* y = std::get_if<Decimal>(&b.data)) return x->compare(*y);
  }
  if (const auto* x = std::get_if<Money>(&a.data)) {
    if (const auto* y = std::get_if<Money>(&b.data); y && y->currency == x->currency) {
      return x->minor_units < y->minor_units ? -1 : x->minor_units > y->minor_units ? 1 : 0;
    }
  }
  if (const auto* x = std::get_if<CivilDate>(&a.data)) {
    if (const auto* y = std::get_if<CivilDate>(&b.data)) return *x < *y ? -1 : *x > *y ? 1 : 0;
  }
  return std::nullopt;
}

}  // namespace

WorkflowEngine::WorkflowEngine(std::shared_ptr<const Bundle> bundle, CivilDate today)
    : m_bundle(std::move(bundle)), m_today(today) {
  enter(m_bundle->start);
}

void WorkflowEngine::enter(const std::string& step_id) {
  const Step* next = m_bundle->step(step_id);
  m_step = next ? next : &end_step(EndResult::failed);
  if (m_step->waits_for_citizen() && m_step->kind != StepKind::end &&
      (m_history.empty() || m_history.back() != m_step->id)) {
    m_history.push_back(m_step->id);
  }
  recalculate();
  if (m_step->kind == StepKind::form) {
    for (const Field* f : visible_fields()) {
      if (!f->initial || !is_empty(m_answers[f->name])) continue;
      if (auto value = f->initial->evaluate(m_answers, m_today)) m_answers[f->name] = *value;
    }
  }
}

// Calculations run in the order the bundle declares them, each seeing the ones before.
void WorkflowEngine::recalculate() {
  for (const auto& f : m_bundle->fields) {
    if (!f.calculate) continue;
    auto value = f.calculate->evaluate(m_answers, m_today);
    m_answers[f.name] = value ? *value : Value{};
  }
}

bool WorkflowEngine::holds(const std::optional<Expression>& condition, bool when_absent) const {
  if (!condition) return when_absent;
  auto value = condition->evaluate(m_answers, m_today);
  if (!value) return false;
  const auto* b = std::get_if<bool>(&value->data);
  return b && *b;
}

std::vector<const Field*> WorkflowEngine::visible_fields() const {
  std::vector<const Field*> out;
  if (m_step->kind != StepKind::form && m_step->kind != StepKind::review) return out;
  for (const auto& name : m_step->fields) {
    const Field* f = m_bundle->field(name);
    if (f && holds(f->relevant, true)) out.push_back(f);
  }
  return out;
}

std::vector<const Choice*> WorkflowEngine::offered_choices(const Field& field) const {
  std::vector<const Choice*> out;
  for (const auto& c : field.choices) {
    if (holds(c.filter, true)) out.push_back(&c);
  }
  return out;
}

bool WorkflowEngine::is_required(const Field& field) const {
  return field.required || holds(field.required_when, false);
}

void WorkflowEngine::set_value(std::string_view field, Value value) {
  m_answers[std::string(field)] = std::move(value);
  recalculate();
}

std::optional<FieldIssue> WorkflowEngine::set_answer(std::string_view name, std::string_view text) {
  const Field* f = m_bundle->field(name);
  if (!f) return FieldIssue{std::string(name), FieldIssue::Kind::invalid, std::nullopt};
  std::string typed = trimmed(text);
  auto invalid = FieldIssue{f->name, FieldIssue::Kind::invalid, std::nullopt};
  if (typed.empty()) {
    set_value(name, Value{});
    return std::nullopt;
  }
  switch (f->kind) {
    case FieldKind::number: {
      auto number = Decimal::parse(western_digits(typed));
      if (!number) return invalid;
      set_value(name, Value{*number});
      return std::nullopt;
    }
    case FieldKind::money: {
      auto number = Decimal::parse(western_digits(typed));
      int exponent = currency_exponent(m_bundle->currency).value_or(2);
      if (!number || number->scale() > exponent) return invalid;
      auto minor = number->rounded(exponent);
      if (!minor) return invalid;
      set_value(name, Value{Money{minor->units(), m_bundle->currency}});
      return std::nullopt;
    }
    case FieldKind::date: {
      auto date = parse_iso_date(western_digits(typed));
      if (!date) return invalid;
      set_value(name, Value{*date});
      return std::nullopt;
    }
    case FieldKind::phone:
    case FieldKind::national_id:
      set_value(name, Value{western_digits(typed)});
      return std::nullopt;
    case FieldKind::choice: {
      for (const Choice* c : offered_choices(*f)) {
        if (c->value == typed) {
          set_value(name, Value{typed});
          return std::nullopt;
        }
      }
      return invalid;
    }
    case FieldKind::multi_choice:
      return invalid;  // set with set_value and a list
    case FieldKind::text:
      set_value(name, Value{western_digits(typed)});
      return std::nullopt;
  }
  return invalid;
}

std::optional<FieldIssue> WorkflowEngine::validate(const Field& f) const {
  auto it = m_answers.find(f.name);
  Value value = it == m_answers.end() ? Value{} : it->second;
  auto issue = [&](FieldIssue::Kind kind) { return FieldIssue{f.name, kind, std::nullopt}; };
  if (is_empty(value)) {
    if (is_required(f)) return issue(FieldIssue::Kind::required);
    return std::nullopt;
  }
  if (const auto* text = std::get_if<std::string>(&value.data)) {
    if (f.pattern && !matches_whole(*f.pattern, *text)) return issue(FieldIssue::Kind::pattern);
    if (f.check_digit) {
      bool valid = *f.check_digit == "luhn" ? luhn_valid(*text) : mod11_valid(*text);
      if (!valid) return issue(FieldIssue::Kind::check_digit);
    }
  }
  auto bound = [&](const std::optional<Expression>& e) -> std::optional<Value> {
    if (!e) return std::nullopt;
    auto v = e->evaluate(m_answers, m_today);
    return v ? std::optional<Value>(*v) : std::nullopt;
  };
  if (auto low = bound(f.min); low && compare(value, *low).value_or(0) < 0)
    return issue(FieldIssue::Kind::too_small);
  if (auto high = bound(f.max); high && compare(value, *high).value_or(0) > 0)
    return issue(FieldIssue::Kind::too_large);
  if (!holds(f.constraint, true))
    return FieldIssue{f.name, FieldIssue::Kind::constraint, f.constraint_message};
  return std::nullopt;
}

std::vector<FieldIssue> WorkflowEngine::next() {
  std::vector<FieldIssue> issues;
  switch (m_step->kind) {
    case StepKind::info:
    case StepKind::review:
      enter(m_step->next);
      break;
    case StepKind::form: {
      auto visible = visible_fields();
      for (const Field* f : visible) {
        if (auto issue = validate(*f)) issues.push_back(*issue);
      }
      if (!issues.empty()) break;
      // Answers to questions that are not asked any more are not kept (skip logic).
      for (const auto& name : m_step->fields) {
        const Field* f = m_bundle->field(name);
        if (f && std::find(visible.begin(), visible.end(), f) == visible.end())
          m_answers.erase(name);
      }
      enter(m_step->next);
      break;
    }
    default:
      break;
  }
  return issues;
}

bool WorkflowEngine::choose(std::string_view option_value) {
  if (m_step->kind != StepKind::menu) return false;
  for (const auto& option : m_step->options) {
    if (option.value == option_value) {
      set_value(m_step->field, Value{option.value});
      enter(option.next);
      return true;
    }
  }
  return false;
}

void WorkflowEngine::device_finished(Outcome outcome,
                                     const std::map<std::string, std::string>& data) {
  if (!m_step->is_device_step() && m_step->kind != StepKind::submit) return;
  auto get = [&](const std::string& key) {
    auto it = data.find(key);
    return it == data.end() ? std::string() : it->second;
  };
  if (outcome == Outcome::ok) {
    switch (m_step->kind) {
      case StepKind::read_id_card:
        for (const auto& [field, card_field] : m_step->fills) {
          if (data.contains(card_field)) set_answer(field, get(card_field));
        }
        break;
      case StepKind::scan_code:
        set_answer(m_step->field, get("code"));
        break;
      case StepKind::payment:
        if (auto amount = payment_amount())
          m_payment = Payment{*amount, get("method"), get("reference"), get("masked_card")};
        break;
      case StepKind::submit:
        m_submitted = true;
        break;
      default:
        break;
    }
  }
  auto target = m_step->outcomes.find(outcome);
  if (target == m_step->outcomes.end()) {
    m_step = &end_step(EndResult::failed);
    return;
  }
  enter(target->second);
}

bool WorkflowEngine::back() {
  // A payment or a stored transaction cannot be walked back into.
  if (m_payment || m_submitted || m_history.size() < 2 || finished()) return false;
  if (m_history.back() == m_step->id) m_history.pop_back();
  std::string previous = m_history.back();
  enter(previous);
  return true;
}

void WorkflowEngine::cancel() {
  m_step = &end_step(EndResult::cancelled);
}

const Step& WorkflowEngine::end_step(EndResult result) const {
  for (const auto& s : m_bundle->steps) {
    if (s.kind == StepKind::end && s.result == result) return s;
  }
  // The bundle has no end of this kind: a plain one, in both languages.
  auto& synthetic = m_synthetic_end;
  synthetic = Step{};
  synthetic->id = result == EndResult::cancelled ? "cancelled" : "failed";
  synthetic->kind = StepKind::end;
  synthetic->result = result;
  synthetic->title = result == EndResult::cancelled
                         ? Text{"أُلغيت العملية", "The request was cancelled", {}}
                         : Text{"تعذّر إتمام العملية", "The request could not be completed", {}};
  return *synthetic;
}

Expected<Money> WorkflowEngine::payment_amount() const {
  if (m_step->kind != StepKind::payment || !m_step->amount)
    return fail(Errc::invalid_argument, "not a payment step");
  auto value = m_step->amount->evaluate(m_answers, m_today);
  if (!value) return std::unexpected(value.error());
  const auto* money = std::get_if<Money>(&value->data);
  if (!money) return fail(Errc::invalid_argument, "the payment amount is not money");
  if (money->minor_units <= 0)
    return fail(Errc::invalid_argument, "the payment amount is not positive");
  return *money;
}

TransactionDraft WorkflowEngine::transaction_draft() const {
  TransactionDraft draft{m_bundle->id, m_bundle->version, m_payment, {}};
  for (const auto& name : m_bundle->record_fields) {
    auto it = m_answers.find(name);
    if (it != m_answers.end() && !it->second.is_null())
      draft.fields.emplace_back(name, it->second.to_display_string());
  }
  return draft;
}

Expected<Value> WorkflowEngine::evaluate(const Expression& expression) const {
  return expression.evaluate(m_answers, m_today);
}

}  // namespace shubbak::workflow
