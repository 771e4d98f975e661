#include "kiosk/workflow/engine.hpp"

#include <algorithm>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "kiosk/core/record_rules.hpp"
#include "kiosk/core/utf8.hpp"
#include "kiosk/workflow/expression/check_digit.hpp"
#include "kiosk/workflow/expression/regex_match.hpp"
#include "kiosk/workflow/placeholders.hpp"

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

WorkflowEngine::WorkflowEngine(std::shared_ptr<const Bundle> bundle, CivilDate today,
                               EngineOptions options)
    : m_bundle(std::move(bundle)), m_today(today), m_options(options) {
  begin_action();
  enter(m_bundle->start);
}

Expected<Value> WorkflowEngine::run(const Expression& expression, std::string_view what) const {
  auto value = expression.evaluate(m_answers, m_today, {}, &m_work);
  if (!value && m_work.exhausted() && !m_stopped) {
    stop(Error{
        Errc::cancelled,
        fmt::format("service {} {}, step {}: {} while evaluating {} ({} steps spent)", m_bundle->id,
                    m_bundle->version, m_step->id, value.error().message, what, m_work.spent())});
  }
  return value;
}

void WorkflowEngine::stop(Error why) const {
  if (m_stopped) return;
  m_stopped = std::move(why);
  m_step = &stopped_step();
}

std::optional<WorkflowEngine::Progress> WorkflowEngine::progress() const {
  if (m_stopped || !m_step->waits_for_citizen() || m_step->kind == StepKind::end ||
      m_history.empty() || m_history.back() != m_step->id)
    return std::nullopt;
  Progress progress;
  progress.number = static_cast<int>(m_history.size());
  progress.total = progress.number;
  // Walk the likely path from here; a bundle's steps are finite, and a loop stops the walk.
  std::set<std::string, std::less<>> seen{m_step->id};
  const Step* at = m_step;
  for (std::size_t guard = 0; guard < m_bundle->steps.size(); ++guard) {
    std::string next;
    switch (at->kind) {
      case StepKind::info:
      case StepKind::form:
      case StepKind::review:
        next = at->next;
        break;
      case StepKind::menu: {
        auto answer = m_answers.find(at->field);
        for (const auto& option : at->options) {
          if (next.empty()) next = option.next;
          if (answer != m_answers.end() && !answer->second.is_null() &&
              answer->second.to_display_string() == option.value) {
            next = option.next;
            break;
          }
        }
        break;
      }
      case StepKind::end:
        break;
      default:
        if (auto ok = at->outcomes.find(Outcome::ok); ok != at->outcomes.end()) next = ok->second;
        break;
    }
    if (next.empty() || !seen.insert(next).second) break;
    at = m_bundle->step(next);
    if (!at || at->kind == StepKind::end) break;
    if (at->waits_for_citizen()) ++progress.total;
  }
  return progress;
}

void WorkflowEngine::enter(const std::string& step_id) {
  if (m_stopped) return;
  const Step* next = m_bundle->step(step_id);
  m_step = next ? next : &end_step(EndResult::failed);
  if (m_step->waits_for_citizen() && m_step->kind != StepKind::end &&
      (m_history.empty() || m_history.back() != m_step->id)) {
    m_history.push_back(m_step->id);
  }
  m_amount.reset();
  recalculate();
  if (m_step->kind == StepKind::form) {
    for (const auto& name : m_step->fields) {
      const Field* f = m_bundle->field(name);
      if (!f || !f->initial || !is_empty(m_answers[f->name])) continue;
      if (auto value = run(*f->initial, fmt::format("the default of {}", f->name)))
        m_answers[f->name] = *value;
    }
  }
  refresh();
  if (m_step->kind == StepKind::payment && !m_stopped) {
    // Nothing is paid for a record the store would refuse.
    if (auto acceptable = record_acceptable(); !acceptable) {
      m_amount = std::unexpected(acceptable.error());
    } else if (m_step->amount) {
      auto value = run(*m_step->amount, "the payment amount");
      if (!value) {
        m_amount = std::unexpected(value.error());
      } else if (const auto* money = std::get_if<Money>(&value->data); !money) {
        m_amount = fail(Errc::invalid_argument, "the payment amount is not money");
      } else if (money->currency != m_bundle->currency) {
        m_amount = fail(Errc::invalid_argument,
                        fmt::format("the payment amount is in {}, the service's currency is {}",
                                    money->currency, m_bundle->currency));
      } else if (money->minor_units <= 0) {
        m_amount = fail(Errc::invalid_argument, "the payment amount is not positive");
      } else {
        m_amount = *money;
      }
    }
  }
}

// Calculations run in the order the bundle declares them, each seeing the ones before.
void WorkflowEngine::recalculate() {
  for (const auto& f : m_bundle->fields) {
    if (!f.calculate || m_stopped) continue;
    auto value = run(*f.calculate, fmt::format("the calculation of {}", f.name));
    m_answers[f.name] = value ? *value : Value{};
  }
}

std::optional<bool> WorkflowEngine::condition(const std::optional<Expression>& expression,
                                              bool when_absent, std::string_view what) const {
  if (!expression) return when_absent;
  auto value = run(*expression, what);
  if (!value) return std::nullopt;
  if (value->is_null()) return false;  // null counts as false (EXPRESSIONS.md)
  const auto* b = std::get_if<bool>(&value->data);
  if (!b) return std::nullopt;
  return *b;
}

std::vector<const Choice*> WorkflowEngine::compute_offered(const Field& field) const {
  std::vector<const Choice*> out;
  for (const auto& c : field.choices) {
    if (m_stopped) break;
    if (condition(c.filter, true, fmt::format("a choice filter of {}", field.name)).value_or(false))
      out.push_back(&c);
  }
  return out;
}

void WorkflowEngine::refresh() {
  m_visible.clear();
  m_required.clear();
  m_offered.clear();
  if (m_stopped || (m_step->kind != StepKind::form && m_step->kind != StepKind::review)) return;
  for (const auto& name : m_step->fields) {
    const Field* f = m_bundle->field(name);
    if (!f) continue;
    if (!condition(f->relevant, true, fmt::format("the relevance of {}", f->name)).value_or(false))
      continue;
    m_visible.push_back(f);
    // A required-when that cannot be evaluated makes the field required: fail closed.
    m_required[f->name] =
        f->required ||
        condition(f->required_when, false, fmt::format("required of {}", f->name)).value_or(true);
    if (!f->choices.empty()) m_offered[f->name] = compute_offered(*f);
  }
  if (m_stopped) {
    m_visible.clear();
    m_required.clear();
    m_offered.clear();
  }
}

std::vector<const Choice*> WorkflowEngine::offered_choices(const Field& field) const {
  if (auto it = m_offered.find(field.name); it != m_offered.end()) return it->second;
  // A field this screen does not show: its filters are evaluated now, in the current action.
  return compute_offered(field);
}

bool WorkflowEngine::is_required(const Field& field) const {
  if (auto it = m_required.find(field.name); it != m_required.end()) return it->second;
  return field.required ||
         condition(field.required_when, false, fmt::format("required of {}", field.name))
             .value_or(true);
}

std::string WorkflowEngine::text(const Text& text, Language language,
                                 const Display& display) const {
  return fill_placeholders(text.in(language),
                           [&](std::string_view name) -> std::optional<std::string> {
                             const Field* f = m_bundle->field(name);
                             auto it = m_answers.find(name);
                             if (!f || it == m_answers.end() || it->second.is_null())
                               return std::nullopt;
                             if (display) return display(*f, it->second);
                             if (const auto* s = std::get_if<std::string>(&it->second.data)) {
                               for (const auto& c : f->choices) {
                                 if (c.value == *s) return c.label.in(language);
                               }
                             }
                             return it->second.to_display_string();
                           });
}

void WorkflowEngine::set_value(std::string_view field, Value value) {
  if (m_stopped) return;
  begin_action();
  assign(field, std::move(value));
}

void WorkflowEngine::assign(std::string_view field, Value value) {
  m_answers[std::string(field)] = std::move(value);
  recalculate();
  refresh();
}

std::optional<FieldIssue> WorkflowEngine::set_answer(std::string_view name, std::string_view text) {
  const Field* f = m_bundle->field(name);
  if (!f || m_stopped)
    return FieldIssue{std::string(name), FieldIssue::Kind::invalid, std::nullopt};
  begin_action();
  auto invalid = FieldIssue{f->name, FieldIssue::Kind::invalid, std::nullopt};
  // No answer the store could not keep: over its size, or shaped like a card number when it
  // would be recorded.
  if (text.size() > k_max_record_field_bytes || !is_valid_utf8(text)) return invalid;
  std::string typed = trimmed(text);
  if (typed.empty()) {
    assign(name, Value{});
    return std::nullopt;
  }
  bool recorded = std::find(m_bundle->record_fields.begin(), m_bundle->record_fields.end(),
                            f->name) != m_bundle->record_fields.end();
  if (recorded && looks_like_card_number(western_digits(typed))) return invalid;
  switch (f->kind) {
    case FieldKind::number: {
      auto number = Decimal::parse(western_digits(typed));
      if (!number) return invalid;
      assign(name, Value{*number});
      return std::nullopt;
    }
    case FieldKind::money: {
      auto number = Decimal::parse(western_digits(typed));
      int exponent = currency_exponent(m_bundle->currency).value_or(2);
      if (!number || number->scale() > exponent) return invalid;
      auto minor = number->rounded(exponent);
      if (!minor) return invalid;
      assign(name, Value{Money{minor->units(), m_bundle->currency}});
      return std::nullopt;
    }
    case FieldKind::date: {
      auto date = parse_iso_date(western_digits(typed));
      if (!date) return invalid;
      assign(name, Value{*date});
      return std::nullopt;
    }
    case FieldKind::phone:
    case FieldKind::national_id:
      assign(name, Value{western_digits(typed)});
      return std::nullopt;
    case FieldKind::choice: {
      for (const Choice* c : offered_choices(*f)) {
        if (c->value == typed) {
          assign(name, Value{typed});
          return std::nullopt;
        }
      }
      return invalid;
    }
    case FieldKind::multi_choice:
      return invalid;  // set with set_value and a list
    case FieldKind::text:
      assign(name, Value{western_digits(typed)});
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
    if (f.pattern) {
      // A pattern that did not compile never loads; fail closed all the same.
      if (!f.compiled_pattern) return issue(FieldIssue::Kind::pattern);
      if (!m_work.spend(match_steps(f.compiled_pattern->program_size(), text->size()))) {
        stop(Error{
            Errc::cancelled,
            fmt::format("service {} {}, step {}: the work budget of {} steps was spent "
                        "matching the pattern of {}",
                        m_bundle->id, m_bundle->version, m_step->id, m_work.limit(), f.name)});
        return issue(FieldIssue::Kind::pattern);
      }
      if (!f.compiled_pattern->full_match(*text)) return issue(FieldIssue::Kind::pattern);
    }
    if (f.check_digit) {
      bool valid = *f.check_digit == "luhn" ? luhn_valid(*text) : mod11_valid(*text);
      if (!valid) return issue(FieldIssue::Kind::check_digit);
    }
  }
  // A bound that cannot be evaluated, or cannot be compared with the answer, refuses it.
  auto within = [&](const std::optional<Expression>& bound, std::string_view which,
                    auto ok) -> std::optional<bool> {
    if (!bound) return true;
    auto limit = run(*bound, fmt::format("the {} of {}", which, f.name));
    if (!limit) return std::nullopt;
    if (limit->is_null()) return true;  // no bound given by the answers so far
    auto order = compare(value, *limit);
    if (!order) return std::nullopt;
    return ok(*order);
  };
  auto low = within(f.min, "min", [](int order) { return order >= 0; });
  if (!low) return issue(FieldIssue::Kind::invalid);
  if (!*low) return issue(FieldIssue::Kind::too_small);
  auto high = within(f.max, "max", [](int order) { return order <= 0; });
  if (!high) return issue(FieldIssue::Kind::invalid);
  if (!*high) return issue(FieldIssue::Kind::too_large);
  if (!condition(f.constraint, true, fmt::format("the constraint of {}", f.name)).value_or(false)) {
    return FieldIssue{f.name, FieldIssue::Kind::constraint, f.constraint_message};
  }
  return std::nullopt;
}

std::vector<FieldIssue> WorkflowEngine::next() {
  std::vector<FieldIssue> issues;
  if (m_stopped) return issues;
  begin_action();
  switch (m_step->kind) {
    case StepKind::info:
    case StepKind::review:
      enter(m_step->next);
      break;
    case StepKind::form: {
      auto visible = m_visible;
      for (const Field* f : visible) {
        if (auto issue = validate(*f)) issues.push_back(*issue);
      }
      if (!issues.empty() || m_stopped) break;
      // Answers to questions that are not asked any more are not kept (skip logic).
      for (const auto& name : m_step->fields) {
        const Field* f = m_bundle->field(name);
        if (f && std::find(visible.begin(), visible.end(), f) == visible.end())
          m_answers.erase(name);
      }
      begin_action();  // the next screen is an action of its own
      enter(m_step->next);
      break;
    }
    default:
      break;
  }
  return issues;
}

bool WorkflowEngine::choose(std::string_view option_value) {
  if (m_step->kind != StepKind::menu || m_stopped) return false;
  for (const auto& option : m_step->options) {
    if (option.value == option_value) {
      set_value(m_step->field, Value{option.value});
      begin_action();
      enter(option.next);
      return true;
    }
  }
  return false;
}

void WorkflowEngine::device_finished(Outcome outcome,
                                     const std::map<std::string, std::string>& data) {
  if ((!m_step->is_device_step() && m_step->kind != StepKind::submit) || m_stopped) return;
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
  if (m_stopped) return;
  auto target = m_step->outcomes.find(outcome);
  if (target == m_step->outcomes.end()) {
    m_step = &end_step(EndResult::failed);
    return;
  }
  begin_action();
  enter(target->second);
}

bool WorkflowEngine::back() {
  // A payment or a stored transaction cannot be walked back into.
  if (m_payment || m_submitted || m_history.size() < 2 || finished()) return false;
  if (m_history.back() == m_step->id) m_history.pop_back();
  std::string previous = m_history.back();
  begin_action();
  enter(previous);
  return true;
}

void WorkflowEngine::cancel() {
  if (m_stopped) return;
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

// Whatever the bundle says: the service stopped, nothing was charged after this, try later or
// ask staff. The precise reason goes to the log (stopped()).
const Step& WorkflowEngine::stopped_step() const {
  m_stopped_end = Step{};
  m_stopped_end->id = "stopped";
  m_stopped_end->kind = StepKind::end;
  m_stopped_end->result = EndResult::failed;
  m_stopped_end->title = Text{"لا يمكن متابعة هذه الخدمة", "This service cannot continue", {}};
  m_stopped_end->body =
      Text{"نعتذر، لا يمكن متابعة هذه الخدمة الآن. يرجى مراجعة الموظف المختص.",
           "Sorry, this service cannot continue now. Please ask a member of staff.",
           {}};
  return *m_stopped_end;
}

Expected<void> WorkflowEngine::record_acceptable() const {
  auto draft = transaction_draft();
  if (draft.fields.size() > k_max_record_fields)
    return fail(Errc::invalid_argument, "too many recorded fields");
  for (const auto& [name, value] : draft.fields) {
    // Name only the field: its value may be the very number that must not be logged.
    if (value.size() > k_max_record_field_bytes || !is_valid_utf8(value)) {
      return fail(
          Errc::invalid_argument,
          fmt::format("the answer to {} is too long or not UTF-8: it cannot be recorded", name));
    }
    if (looks_like_card_number(value)) {
      return fail(
          Errc::invalid_argument,
          fmt::format("the answer to {} looks like a card number; it is never stored", name));
    }
  }
  return {};
}

Expected<Money> WorkflowEngine::payment_amount() const {
  if (m_step->kind != StepKind::payment || !m_step->amount)
    return fail(Errc::invalid_argument, "not a payment step");
  if (!m_amount) return fail(Errc::internal, "the payment amount was not evaluated");
  return *m_amount;
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
  // Receipt lines: an action of their own (the receipt is printed after the screen changed).
  begin_action();
  return run(expression, "a receipt line");
}

}  // namespace shubbak::workflow
