// The semantic rules of FORMAT.md's "Validation", on a bundle that passed the schema.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "kiosk/core/record_rules.hpp"
#include "kiosk/workflow/bundle_limits.hpp"
#include "kiosk/workflow/bundle_reader.hpp"
#include "kiosk/workflow/expression/regex_match.hpp"
#include "kiosk/workflow/placeholders.hpp"

namespace shubbak::workflow {

namespace {

// A name from the bundle in a message: quoted, or only its length when no name could be that
// long (names are at most k_max_identifier_bytes).
std::string shown(const std::string& name) {
  if (name.size() > k_max_identifier_bytes) return fmt::format("(a name of {} bytes)", name.size());
  return fmt::format("\"{}\"", name);
}

class Checker {
 public:
  Checker(const Bundle& b, std::vector<BundleError>& errors)
      : m_b(b), m_errors(errors), m_types(b.field_types()) {
    for (std::size_t i = 0; i < b.steps.size(); ++i) m_step_index.emplace(b.steps[i].id, i);
  }

  void run() {
    check_names();
    check_money();
    for (std::size_t i = 0; i < m_b.fields.size(); ++i)
      check_field(m_b.fields[i], fmt::format("$.fields[{}]", i));
    if (!m_b.start.empty() && !m_step_index.contains(m_b.start)) {
      error("$.start", fmt::format("unknown step {}", shown(m_b.start)));
    }
    for (std::size_t i = 0; i < m_b.steps.size(); ++i)
      check_step(m_b.steps[i], fmt::format("$.steps[{}]", i));
    check_graph();
    check_record_and_receipt();
    check_texts();
    check_work();
  }

 private:
  void error(std::string path, std::string message) {
    m_errors.push_back({std::move(path), std::move(message)});
  }

  void check_names() {
    std::set<std::string> fields, steps;
    for (std::size_t i = 0; i < m_b.fields.size(); ++i) {
      if (!fields.insert(m_b.fields[i].name).second) {
        error(fmt::format("$.fields[{}].name", i),
              fmt::format("duplicate field \"{}\"", m_b.fields[i].name));
      }
    }
    for (std::size_t i = 0; i < m_b.steps.size(); ++i) {
      if (!steps.insert(m_b.steps[i].id).second) {
        error(fmt::format("$.steps[{}].id", i),
              fmt::format("duplicate step \"{}\"", m_b.steps[i].id));
      }
    }
  }

  void check_money() {
    bool money = false;
    for (const auto& f : m_b.fields) money = money || f.kind == FieldKind::money;
    for (const auto& s : m_b.steps) money = money || s.kind == StepKind::payment;
    if (money && m_b.currency.empty()) error("$.currency", "required: the service uses money");
  }

  // Checks that `e` is well typed and of type `want` (nullopt: any type), and that any money it
  // makes is in the bundle's currency: a service declaring JOD never charges in OMR.
  void expect(const std::optional<Expression>& e, std::optional<Type> want,
              const std::string& path) {
    if (!e) return;
    auto type = e->check_typed(m_types);
    if (!type) {
      error(path, "expression: " + type.error().message);
      return;
    }
    if (want && type->type != *want && type->type != Type::null) {
      error(path,
            fmt::format("expression is {}, expected {}", to_string(type->type), to_string(*want)));
    } else if (type->type == Type::money && type->currency != m_b.currency) {
      error(path, fmt::format("expression is money in {}; the service's currency is {}",
                              type->currency, m_b.currency.empty() ? "not set" : m_b.currency));
    }
    for (const auto& currency : e->money_currencies()) {
      if (currency != m_b.currency) {
        error(path, fmt::format("money in {}; the service's currency is {}", currency,
                                m_b.currency.empty() ? "not set" : m_b.currency));
        break;
      }
    }
  }

  void check_field(const Field& f, const std::string& path) {
    bool choices = f.kind == FieldKind::choice || f.kind == FieldKind::multi_choice;
    if (choices && f.choices.empty()) error(path + ".choices", "required for a choice field");
    if (!choices && !f.choices.empty()) error(path + ".choices", "only choice fields have choices");
    if (f.choices.size() > k_max_choices) {
      error(path + ".choices",
            fmt::format("{} choices; at most {} are allowed", f.choices.size(), k_max_choices));
    }
    std::set<std::string> values;
    for (std::size_t i = 0; i < f.choices.size(); ++i) {
      std::string at = fmt::format("{}.choices[{}]", path, i);
      const auto& value = f.choices[i].value;
      if (value.empty() || value.size() > k_max_choice_value_bytes) {
        error(at + ".value", fmt::format("a choice value is 1 to {} bytes long, not {}",
                                         k_max_choice_value_bytes, value.size()));
      }
      if (!values.insert(f.choices[i].value).second)
        error(at + ".value", fmt::format("duplicate choice \"{}\"", f.choices[i].value));
      expect(f.choices[i].filter, Type::boolean, at + ".filter");
    }
    bool textual =
        f.kind == FieldKind::text || f.kind == FieldKind::phone || f.kind == FieldKind::national_id;
    // The reader compiled the pattern (and reported it when it does not compile).
    if (f.pattern && !textual)
      error(path + ".pattern", "only text, phone and national_id fields have a pattern");
    if (f.check_digit && f.kind != FieldKind::national_id)
      error(path + ".check_digit", "only national_id fields have a check digit");
    bool ordered =
        f.kind == FieldKind::number || f.kind == FieldKind::money || f.kind == FieldKind::date;
    if ((f.min || f.max) && !ordered)
      error(path + (f.min ? ".min" : ".max"), "only number, money and date fields have bounds");
    expect(f.required_when, Type::boolean, path + ".required");
    expect(f.relevant, Type::boolean, path + ".relevant");
    expect(f.constraint, Type::boolean, path + ".constraint");
    expect(f.calculate, f.value_type(), path + ".calculate");
    expect(f.initial, f.value_type(), path + ".default");
    expect(f.min, f.value_type(), path + ".min");
    expect(f.max, f.value_type(), path + ".max");
  }

  void target(const std::string& id, const std::string& path) {
    if (!id.empty() && !m_step_index.contains(id))
      error(path, fmt::format("unknown step {}", shown(id)));
  }

  const Field* known_field(const std::string& name, const std::string& path) {
    const Field* f = m_b.field(name);
    if (!f && !name.empty()) error(path, fmt::format("unknown field {}", shown(name)));
    return f;
  }

  void needs_device(const std::string& device, const std::string& path, std::string_view kind) {
    if (std::find(m_b.required_devices.begin(), m_b.required_devices.end(), device) ==
        m_b.required_devices.end()) {
      error(path, fmt::format("{} uses the {}, which $.requires does not list", kind, device));
    }
  }

  void check_outcomes(const Step& s, const std::string& path,
                      std::initializer_list<Outcome> expected) {
    for (Outcome o : expected) {
      if (!s.outcomes.contains(o))
        error(fmt::format("{}.outcomes.{}", path, to_string(o)),
              "required: every outcome must lead somewhere");
    }
    for (const auto& [o, id] : s.outcomes) {
      if (std::find(expected.begin(), expected.end(), o) == expected.end()) {
        error(fmt::format("{}.outcomes.{}", path, to_string(o)),
              fmt::format("not an outcome of {}", to_string(s.kind)));
      }
      target(id, fmt::format("{}.outcomes.{}", path, to_string(o)));
    }
  }

  void check_step(const Step& s, const std::string& path) {
    const std::initializer_list<Outcome> device = {Outcome::ok, Outcome::cancelled,
                                                   Outcome::device_error, Outcome::timeout};
    switch (s.kind) {
      case StepKind::info:
        target(s.next, path + ".next");
        break;
      case StepKind::menu: {
        const Field* f = known_field(s.field, path + ".field");
        if (f && f->kind != FieldKind::choice)
          error(path + ".field", fmt::format("\"{}\" is not a choice field", s.field));
        for (std::size_t i = 0; i < s.options.size(); ++i) {
          std::string at = fmt::format("{}.options[{}]", path, i);
          target(s.options[i].next, at + ".next");
          bool offered = false;
          if (f) {
            for (const auto& c : f->choices) offered = offered || c.value == s.options[i].value;
          }
          if (f && !offered)
            error(at + ".value",
                  fmt::format("\"{}\" is not a choice of \"{}\"", s.options[i].value, s.field));
        }
        break;
      }
      case StepKind::form:
      case StepKind::review:
        for (std::size_t i = 0; i < s.fields.size(); ++i) {
          const Field* f = known_field(s.fields[i], fmt::format("{}.fields[{}]", path, i));
          if (f && f->calculate && s.kind == StepKind::form) {
            error(fmt::format("{}.fields[{}]", path, i),
                  fmt::format("\"{}\" is calculated and cannot be asked", f->name));
          }
        }
        target(s.next, path + ".next");
        break;
      case StepKind::read_id_card:
        needs_device("card_reader", path + ".kind", "read_id_card");
        for (const auto& [field, card_field] : s.fills)
          known_field(field, path + ".fills." + field);
        check_outcomes(s, path, device);
        break;
      case StepKind::scan_code: {
        needs_device("scanner", path + ".kind", "scan_code");
        const Field* f = known_field(s.field, path + ".field");
        if (f && f->value_type() != Type::text)
          error(path + ".field", "a scanned code fills a text field");
        check_outcomes(s, path, device);
        break;
      }
      case StepKind::payment:
        expect(s.amount, Type::money, path + ".amount");
        if (s.methods.empty()) error(path + ".methods", "at least one payment method");
        if (std::find(s.methods.begin(), s.methods.end(), "terminal") != s.methods.end()) {
          needs_device("payment_terminal", path + ".methods", "payment by terminal");
        }
        check_outcomes(s, path,
                       {Outcome::ok, Outcome::cancelled, Outcome::device_error, Outcome::timeout,
                        Outcome::declined});
        break;
      case StepKind::submit:
        check_outcomes(s, path, {Outcome::ok, Outcome::failed});
        break;
      case StepKind::print_receipt:
      case StepKind::queue_ticket:
        needs_device("printer", path + ".kind", to_string(s.kind));
        check_outcomes(s, path, device);
        break;
      case StepKind::end:
        break;
    }
  }

  std::vector<std::string> successors(const Step& s) const {
    std::vector<std::string> out;
    if (!s.next.empty()) out.push_back(s.next);
    for (const auto& o : s.options) out.push_back(o.next);
    for (const auto& [o, id] : s.outcomes) out.push_back(id);
    return out;
  }

  // Steps reachable from `from`, walking only through steps `pass` allows (and `from` itself).
  std::set<std::string> reachable(const std::string& from,
                                  const std::function<bool(const Step&)>& pass) const {
    std::set<std::string> seen;
    std::deque<std::string> queue{from};
    while (!queue.empty()) {
      std::string id = queue.front();
      queue.pop_front();
      const Step* s = m_b.step(id);
      if (!s || !seen.insert(id).second) continue;
      if (id != from && !pass(*s)) continue;
      for (const auto& next : successors(*s)) queue.push_back(next);
    }
    return seen;
  }

  void check_graph() {
    if (!m_step_index.contains(m_b.start)) return;
    auto everything = [](const Step&) { return true; };
    auto from_start = reachable(m_b.start, everything);
    for (std::size_t i = 0; i < m_b.steps.size(); ++i) {
      const Step& s = m_b.steps[i];
      std::string path = fmt::format("$.steps[{}]", i);
      if (!from_start.contains(s.id))
        error(path, fmt::format("step \"{}\" cannot be reached from the start", s.id));
      auto onward = reachable(s.id, everything);
      bool ends = false;
      for (const auto& id : onward) ends = ends || m_b.step(id)->kind == StepKind::end;
      if (!ends) error(path, fmt::format("no way from step \"{}\" to an end step", s.id));
      // A cycle through steps that do not wait for the citizen would spin for ever.
      if (!s.waits_for_citizen()) {
        auto automatic = [](const Step& t) { return !t.waits_for_citizen(); };
        for (const auto& next : successors(s)) {
          const Step* n = m_b.step(next);
          if (n && automatic(*n) && reachable(next, automatic).contains(s.id)) {
            error(path, fmt::format("loop without user input through step \"{}\"", s.id));
            break;
          }
        }
      }
      // A receipt or ticket needs the transaction: no path from the start may avoid a submit.
      if (s.kind == StepKind::print_receipt || s.kind == StepKind::queue_ticket) {
        auto without_submit =
            reachable(m_b.start, [](const Step& t) { return t.kind != StepKind::submit; });
        if (without_submit.contains(s.id) && m_b.start != s.id) {
          error(path, fmt::format("{} \"{}\" can be reached without a submit step before it",
                                  to_string(s.kind), s.id));
        }
      }
      if (s.kind == StepKind::submit) {
        for (const auto& next : successors(s)) {
          auto after = reachable(next, everything);
          bool again = false;
          for (const auto& id : after) again = again || m_b.step(id)->kind == StepKind::submit;
          if (again) {
            error(path, fmt::format("a second submit can follow submit step \"{}\"", s.id));
            break;
          }
        }
      }
    }
  }

  // What the store will refuse at submit, after the payment, refused here instead
  // (kiosk/core/record_rules.hpp); the engine refuses card-number-shaped answers as they are typed.
  void check_record_and_receipt() {
    if (m_b.record_fields.size() > k_max_record_fields) {
      error("$.record.fields", fmt::format("{} fields; a record holds at most {}",
                                           m_b.record_fields.size(), k_max_record_fields));
    }
    std::set<std::string> recorded;
    for (std::size_t i = 0; i < m_b.record_fields.size(); ++i) {
      std::string at = fmt::format("$.record.fields[{}]", i);
      const Field* f = known_field(m_b.record_fields[i], at);
      if (!recorded.insert(m_b.record_fields[i]).second) {
        error(at, fmt::format("\"{}\" is recorded twice", m_b.record_fields[i]));
      }
      if (f && f->kind == FieldKind::multi_choice) {
        std::size_t longest = 0;
        for (const auto& c : f->choices) longest += c.value.size() + 2;  // "a, b, c"
        if (longest > k_max_record_field_bytes) {
          error(at, fmt::format("\"{}\" with every choice selected is {} bytes; a recorded answer "
                                "holds at most {}",
                                f->name, longest, k_max_record_field_bytes));
        }
      }
    }
    bool prints = false;
    for (const auto& s : m_b.steps) prints = prints || s.kind == StepKind::print_receipt;
    if (prints && !m_b.receipt) error("$.receipt", "required: a step prints a receipt");
    if (m_b.receipt) {
      for (std::size_t i = 0; i < m_b.receipt->lines.size(); ++i) {
        expect(m_b.receipt->lines[i].value, std::nullopt,
               fmt::format("$.receipt.lines[{}].value", i));
      }
    }
  }

  // Every text: its {field} placeholders name known fields (FORMAT.md, Text).
  void check_text(const Text& text, const std::string& path) {
    auto one = [&](const std::string& value, const std::string& at) {
      auto names = placeholder_names(value);
      if (!names) {
        error(at, names.error().message);
        return;
      }
      if (names->size() > k_max_placeholders) {
        error(at, fmt::format("{} placeholders; at most {} are allowed", names->size(),
                              k_max_placeholders));
      }
      for (const auto& name : *names) {
        if (!m_b.field(name)) error(at, fmt::format("the placeholder {{{}}} names no field", name));
      }
    };
    one(text.ar, path + ".ar");
    one(text.en, path + ".en");
    for (const auto& [language, value] : text.others) one(value, path + "." + language);
  }

  void check_text(const std::optional<Text>& text, const std::string& path) {
    if (text) check_text(*text, path);
  }

  void check_texts() {
    check_text(m_b.title, "$.title");
    check_text(m_b.description, "$.description");
    for (std::size_t i = 0; i < m_b.fields.size(); ++i) {
      const Field& f = m_b.fields[i];
      std::string path = fmt::format("$.fields[{}]", i);
      check_text(f.label, path + ".label");
      check_text(f.hint, path + ".hint");
      check_text(f.constraint_message, path + ".constraint_message");
      for (std::size_t c = 0; c < f.choices.size(); ++c) {
        check_text(f.choices[c].label, fmt::format("{}.choices[{}].label", path, c));
      }
    }
    for (std::size_t i = 0; i < m_b.steps.size(); ++i) {
      const Step& s = m_b.steps[i];
      std::string path = fmt::format("$.steps[{}]", i);
      check_text(s.title, path + ".title");
      check_text(s.body, path + ".body");
      for (std::size_t o = 0; o < s.options.size(); ++o) {
        check_text(s.options[o].label, fmt::format("{}.options[{}].label", path, o));
      }
    }
    if (m_b.receipt) {
      check_text(m_b.receipt->title, "$.receipt.title");
      check_text(m_b.receipt->footer, "$.receipt.footer");
      for (std::size_t i = 0; i < m_b.receipt->lines.size(); ++i) {
        check_text(m_b.receipt->lines[i].label, fmt::format("$.receipt.lines[{}].label", i));
      }
    }
  }

  // The work one citizen action can cost, added up from every expression it may evaluate (their
  // static bounds, Expression::cost_bound) and every pattern it may match; over the per-action
  // budget, the bundle could stall the kiosk's screen, so it is refused. The engine evaluates
  // exactly this (WorkflowEngine): entering a step recalculates, fills defaults, evaluates
  // visibility, required marks, choice filters and the amount; an answer recalculates and
  // re-evaluates the screen; "continue" checks patterns, bounds and constraints.
  struct Work {
    std::int64_t total = 0;
    std::string largest_what;
    std::int64_t largest = 0;
    void add(std::int64_t cost, const std::string& what) {
      total += cost;
      if (cost > largest) {
        largest = cost;
        largest_what = what;
      }
    }
  };

  std::int64_t bound(const std::optional<Expression>& e) const {
    return e ? e->cost_bound({}, &m_types) : 0;
  }

  void add_field_screen(Work& work, const Field& f, const std::string& path) {
    work.add(bound(f.relevant), path + ".relevant");
    work.add(bound(f.required_when), path + ".required");
    std::int64_t filters = 0;
    for (const auto& c : f.choices) filters += bound(c.filter);
    work.add(filters, path + ".choices (filters)");
  }

  void check_action(const Work& work, const std::string& path, std::string_view action) {
    if (work.total <= k_work_steps_per_action) return;
    error(path, fmt::format(
                    "{} can cost up to {} expression steps; at most {} are allowed per action "
                    "(the most: {}, {} steps)",
                    action, work.total, k_work_steps_per_action, work.largest_what, work.largest));
  }

  void check_work() {
    Work recalculation;
    for (std::size_t i = 0; i < m_b.fields.size(); ++i) {
      recalculation.add(bound(m_b.fields[i].calculate), fmt::format("$.fields[{}].calculate", i));
    }
    auto field_path = [&](const Field* f) {
      return fmt::format("$.fields[{}]", static_cast<std::size_t>(f - m_b.fields.data()));
    };
    for (std::size_t i = 0; i < m_b.steps.size(); ++i) {
      const Step& s = m_b.steps[i];
      std::string path = fmt::format("$.steps[{}]", i);
      Work screen = recalculation;
      Work answer = recalculation;
      Work next;
      if (s.kind == StepKind::form || s.kind == StepKind::review) {
        for (const auto& name : s.fields) {
          const Field* f = m_b.field(name);
          if (!f) continue;
          std::string at = field_path(f);
          add_field_screen(screen, *f, at);
          add_field_screen(answer, *f, at);
          if (s.kind != StepKind::form) continue;
          screen.add(bound(f->initial), at + ".default");
          if (f->compiled_pattern) {
            next.add(match_steps(f->compiled_pattern->program_size(), k_max_record_field_bytes),
                     at + ".pattern");
          }
          next.add(bound(f->min), at + ".min");
          next.add(bound(f->max), at + ".max");
          next.add(bound(f->constraint), at + ".constraint");
          next.add(bound(f->required_when), at + ".required");
        }
      }
      if (s.kind == StepKind::payment) screen.add(bound(s.amount), path + ".amount");
      if (s.kind == StepKind::read_id_card) {
        // Card fields are set as answers: a choice field among them has its filters evaluated.
        for (const auto& [name, card_field] : s.fills) {
          const Field* f = m_b.field(name);
          if (!f) continue;
          std::int64_t filters = 0;
          for (const auto& c : f->choices) filters += bound(c.filter);
          answer.add(filters, field_path(f) + ".choices (filters)");
        }
      }
      check_action(screen, path, "entering this step");
      check_action(answer, path, "one answer on this step");
      check_action(next, path, "continuing from this step");
    }
  }

  const Bundle& m_b;
  std::vector<BundleError>& m_errors;
  FieldTypes m_types;
  std::map<std::string, std::size_t> m_step_index;
};

}  // namespace

void check_bundle(const Bundle& bundle, std::vector<BundleError>& errors) {
  Checker(bundle, errors).run();
}

}  // namespace shubbak::workflow
