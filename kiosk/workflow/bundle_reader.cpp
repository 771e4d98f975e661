#include "kiosk/workflow/bundle_reader.hpp"

#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/pattern.hpp"
#include "kiosk/core/strict_json.hpp"
#include "kiosk/workflow/bundle_limits.hpp"
#include "kiosk/workflow/expression/regex_match.hpp"

namespace shubbak::workflow {

namespace {

using json = nlohmann::json;

// A kind of name in a bundle: how long it may be, and its pattern (checked after the length).
struct NameRule {
  std::string_view description;
  std::size_t max_bytes;
  Pattern pattern;
};

NameRule make_rule(std::string_view description, std::size_t max_bytes, std::string_view source) {
  auto pattern = Pattern::compile(source);
  if (!pattern) throw std::logic_error(pattern.error().message);  // a bug in this file
  return NameRule{description, max_bytes, std::move(*pattern)};
}

const NameRule& service_id_rule() {
  static const NameRule r =
      make_rule("a service id", k_max_identifier_bytes, "[a-z0-9]+([.-][a-z0-9]+)*");
  return r;
}
const NameRule& version_rule() {
  static const NameRule r = make_rule("a MAJOR.MINOR.PATCH version", k_max_version_bytes,
                                      "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)");
  return r;
}
const NameRule& ministry_rule() {
  static const NameRule r =
      make_rule("a ministry name", k_max_identifier_bytes, "[a-z0-9]+(-[a-z0-9]+)*");
  return r;
}
const NameRule& field_name_rule() {
  static const NameRule r =
      make_rule("a field name ([a-z_][a-z0-9_]*)", k_max_identifier_bytes, "[a-z_][a-z0-9_]*");
  return r;
}
const NameRule& step_id_rule() {
  static const NameRule r =
      make_rule("a step id ([a-z0-9_]+)", k_max_identifier_bytes, "[a-z0-9_]+");
  return r;
}
const NameRule& counter_rule() {
  static const NameRule r =
      make_rule("a counter name (letters, digits, _ or -)", 16, "[A-Za-z0-9_-]+");
  return r;
}
const NameRule& currency_rule() {
  static const NameRule r = make_rule("an ISO 4217 code", 3, "[A-Z]{3}");
  return r;
}
const NameRule& language_rule() {
  static const NameRule r = make_rule("a language code", 3, "[a-z]{2,3}");
  return r;
}

class Reader {
 public:
  explicit Reader(std::vector<BundleError>& errors) : m_errors(errors) {}

  void error(const std::string& path, std::string message) {
    m_errors.push_back({path, std::move(message)});
  }

  bool object(const json& j, const std::string& path) {
    if (j.is_object()) return true;
    error(path, fmt::format("expected an object, got {}", j.type_name()));
    return false;
  }

  void allow_only(const json& j, const std::string& path,
                  std::initializer_list<std::string_view> keys) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool known = false;
      for (auto k : keys) known = known || it.key() == k;
      if (!known) error(path + "." + it.key(), "unknown key");
    }
  }

  const json* member(const json& j, std::string_view key, const std::string& path, bool required) {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) error(path + "." + std::string(key), "required");
      return nullptr;
    }
    return &*it;
  }

  std::string string(const json& j, std::string_view key, const std::string& path, bool required,
                     const NameRule* rule = nullptr) {
    const json* v = member(j, key, path, required);
    if (!v) return {};
    std::string at = path + "." + std::string(key);
    if (!v->is_string()) {
      error(at, fmt::format("expected a string, got {}", v->type_name()));
      return {};
    }
    std::string s = v->get<std::string>();
    // An over-long name goes no further, not even into other messages.
    if (rule && !follows(s, *rule, at) && s.size() > rule->max_bytes) return {};
    return s;
  }

  // The length first: nothing else looks at a name of unbounded size.
  bool follows(const std::string& name, const NameRule& rule, const std::string& at) {
    if (name.empty() || name.size() > rule.max_bytes) {
      error(at, fmt::format("{} is 1 to {} bytes long, not {}", rule.description, rule.max_bytes,
                            name.size()));
      return false;
    }
    if (!rule.pattern.full_match(name)) {
      error(at, fmt::format("\"{}\" is not {}", name, rule.description));
      return false;
    }
    return true;
  }

  std::optional<Text> text(const json& j, std::string_view key, const std::string& path,
                           bool required) {
    const json* v = member(j, key, path, required);
    if (!v) return std::nullopt;
    std::string at = path + "." + std::string(key);
    if (!object(*v, at)) return std::nullopt;
    Text t;
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (!it->is_string()) {
        error(at + "." + it.key(), "expected a string");
        continue;
      }
      std::string s = it->get<std::string>();
      if (s.size() > k_max_text_bytes) {
        error(at + "." + it.key(), fmt::format("longer than {} bytes", k_max_text_bytes));
      }
      if (it.key() == "ar") {
        t.ar = s;
      } else if (it.key() == "en") {
        t.en = s;
      } else if (it.key().size() <= language_rule().max_bytes &&
                 language_rule().pattern.full_match(it.key())) {
        t.others[it.key()] = s;
      } else {
        error(at + "." + it.key(), "not a language code");
      }
    }
    if (t.ar.empty()) error(at + ".ar", "missing Arabic text");
    if (t.en.empty()) error(at + ".en", "missing English text");
    return t;
  }

  std::optional<Expression> expression(const json& j, std::string_view key,
                                       const std::string& path) {
    const json* v = member(j, key, path, false);
    if (!v) return std::nullopt;
    std::string at = path + "." + std::string(key);
    if (!v->is_string()) {
      error(at, fmt::format("expected an expression string, got {}", v->type_name()));
      return std::nullopt;
    }
    auto parsed = Expression::parse(v->get<std::string>());
    if (!parsed) {
      error(at, "expression: " + parsed.error().message);
      return std::nullopt;
    }
    return std::move(*parsed);
  }

  std::vector<std::string> names(const json& j, std::string_view key, const std::string& path,
                                 bool required) {
    std::vector<std::string> out;
    const json* v = member(j, key, path, required);
    if (!v) return out;
    std::string at = path + "." + std::string(key);
    if (!v->is_array()) {
      error(at, fmt::format("expected an array, got {}", v->type_name()));
      return out;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
      if ((*v)[i].is_string()) {
        out.push_back((*v)[i].get<std::string>());
      } else {
        error(fmt::format("{}[{}]", at, i), "expected a string");
      }
    }
    return out;
  }

  Field field(const json& j, const std::string& path) {
    Field f;
    if (!object(j, path)) return f;
    allow_only(j, path,
               {"name", "type", "label", "hint", "required", "relevant", "constraint",
                "constraint_message", "calculate", "default", "pattern", "check_digit", "min",
                "max", "choices"});
    f.name = string(j, "name", path, true, &field_name_rule());
    std::string type = string(j, "type", path, true);
    static const std::map<std::string, FieldKind> kinds = {
        {"text", FieldKind::text},     {"number", FieldKind::number},
        {"money", FieldKind::money},   {"date", FieldKind::date},
        {"phone", FieldKind::phone},   {"national_id", FieldKind::national_id},
        {"choice", FieldKind::choice}, {"multi_choice", FieldKind::multi_choice}};
    if (auto it = kinds.find(type); it != kinds.end()) {
      f.kind = it->second;
    } else if (!type.empty()) {
      error(path + ".type", fmt::format("unknown field type \"{}\"", type));
    }
    if (auto t = text(j, "label", path, true)) f.label = *t;
    f.hint = text(j, "hint", path, false);
    if (const json* r = member(j, "required", path, false)) {
      if (r->is_boolean()) {
        f.required = r->get<bool>();
      } else {
        f.required_when = expression(j, "required", path);
      }
    }
    f.relevant = expression(j, "relevant", path);
    f.constraint = expression(j, "constraint", path);
    f.constraint_message = text(j, "constraint_message", path, false);
    if (f.constraint && !f.constraint_message)
      error(path + ".constraint_message", "required with a constraint");
    f.calculate = expression(j, "calculate", path);
    f.initial = expression(j, "default", path);
    f.min = expression(j, "min", path);
    f.max = expression(j, "max", path);
    std::string pattern = string(j, "pattern", path, false);
    if (!pattern.empty()) {
      f.pattern = pattern;
      if (auto compiled = compile_pattern(pattern)) {
        f.compiled_pattern = std::make_shared<const Pattern>(std::move(*compiled));
      } else {
        error(path + ".pattern", "not a regular expression: " + compiled.error().message);
      }
    }
    std::string digit = string(j, "check_digit", path, false);
    if (!digit.empty()) {
      if (digit != "luhn" && digit != "mod11")
        error(path + ".check_digit", "expected \"luhn\" or \"mod11\"");
      f.check_digit = digit;
    }
    if (const json* choices = member(j, "choices", path, false)) {
      if (!choices->is_array()) {
        error(path + ".choices", "expected an array");
      } else {
        for (std::size_t i = 0; i < choices->size(); ++i) {
          std::string at = fmt::format("{}.choices[{}]", path, i);
          const json& c = (*choices)[i];
          if (!object(c, at)) continue;
          allow_only(c, at, {"value", "label", "filter"});
          Choice choice;
          choice.value = string(c, "value", at, true);
          if (auto t = text(c, "label", at, true)) choice.label = *t;
          choice.filter = expression(c, "filter", at);
          f.choices.push_back(std::move(choice));
        }
      }
    }
    return f;
  }

  std::map<Outcome, std::string> outcomes(const json& j, const std::string& path) {
    std::map<Outcome, std::string> out;
    const json* v = member(j, "outcomes", path, false);
    if (!v) return out;
    std::string at = path + ".outcomes";
    if (!object(*v, at)) return out;
    for (auto it = v->begin(); it != v->end(); ++it) {
      auto outcome = parse_outcome(it.key());
      if (!outcome) {
        error(at + "." + it.key(), "unknown outcome");
      } else if (!it->is_string()) {
        error(at + "." + it.key(), "expected a step id");
      } else {
        out[*outcome] = it->get<std::string>();
      }
    }
    return out;
  }

  Step step(const json& j, const std::string& path) {
    Step s;
    if (!object(j, path)) return s;
    s.id = string(j, "id", path, true, &step_id_rule());
    std::string kind = string(j, "kind", path, true);
    static const std::map<std::string, StepKind> kinds = {
        {"info", StepKind::info},
        {"menu", StepKind::menu},
        {"form", StepKind::form},
        {"review", StepKind::review},
        {"read_id_card", StepKind::read_id_card},
        {"scan_code", StepKind::scan_code},
        {"payment", StepKind::payment},
        {"submit", StepKind::submit},
        {"print_receipt", StepKind::print_receipt},
        {"queue_ticket", StepKind::queue_ticket},
        {"end", StepKind::end}};
    auto known = kinds.find(kind);
    if (known == kinds.end()) {
      if (!kind.empty()) error(path + ".kind", fmt::format("unknown step kind \"{}\"", kind));
      return s;
    }
    s.kind = known->second;
    if (auto t = text(j, "title", path, true)) s.title = *t;
    s.body = text(j, "body", path, false);
    if (const json* t = member(j, "timeout_seconds", path, false)) {
      // Range-checked in its own type: 4294967306 is refused, never read as 10.
      auto seconds = json_integer<int>(*t, path + ".timeout_seconds", k_min_timeout_seconds,
                                       k_max_timeout_seconds);
      if (!seconds) {
        error(path + ".timeout_seconds", fmt::format("expected an integer from {} to {}",
                                                     k_min_timeout_seconds, k_max_timeout_seconds));
      } else {
        s.timeout_seconds = *seconds;
      }
    }
    const std::initializer_list<std::string_view> common = {"id", "kind", "title", "body",
                                                            "timeout_seconds"};
    auto allow = [&](std::initializer_list<std::string_view> extra) {
      std::vector<std::string_view> keys(common);
      keys.insert(keys.end(), extra.begin(), extra.end());
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
          error(path + "." + it.key(), "unknown key");
      }
    };
    switch (s.kind) {
      case StepKind::info:
        allow({"next"});
        s.next = string(j, "next", path, true);
        break;
      case StepKind::menu: {
        allow({"field", "options"});
        s.field = string(j, "field", path, true);
        const json* options = member(j, "options", path, true);
        if (options && options->is_array() && !options->empty()) {
          for (std::size_t i = 0; i < options->size(); ++i) {
            std::string at = fmt::format("{}.options[{}]", path, i);
            const json& o = (*options)[i];
            if (!object(o, at)) continue;
            allow_only(o, at, {"value", "label", "next"});
            MenuOption option;
            option.value = string(o, "value", at, true);
            if (auto t = text(o, "label", at, true)) option.label = *t;
            option.next = string(o, "next", at, true);
            s.options.push_back(std::move(option));
          }
        } else if (options) {
          error(path + ".options", "expected a non-empty array");
        }
        break;
      }
      case StepKind::form:
      case StepKind::review:
        allow({"fields", "next"});
        s.fields = names(j, "fields", path, true);
        if (s.fields.empty() && member(j, "fields", path, false))
          error(path + ".fields", "must not be empty");
        s.next = string(j, "next", path, true);
        break;
      case StepKind::read_id_card:
        allow({"profile", "fills", "outcomes"});
        s.profile = string(j, "profile", path, true);
        if (const json* fills = member(j, "fills", path, true);
            fills && object(*fills, path + ".fills")) {
          for (auto it = fills->begin(); it != fills->end(); ++it) {
            if (it->is_string()) {
              s.fills[it.key()] = it->get<std::string>();
            } else {
              error(path + ".fills." + it.key(), "expected a card field name");
            }
          }
        }
        s.outcomes = outcomes(j, path);
        break;
      case StepKind::scan_code:
        allow({"field", "outcomes"});
        s.field = string(j, "field", path, true);
        s.outcomes = outcomes(j, path);
        break;
      case StepKind::payment:
        allow({"amount", "methods", "outcomes"});
        s.amount = expression(j, "amount", path);
        if (!s.amount && !member(j, "amount", path, false)) error(path + ".amount", "required");
        s.methods = names(j, "methods", path, true);
        for (std::size_t i = 0; i < s.methods.size(); ++i) {
          if (s.methods[i] != "terminal" && s.methods[i] != "reference") {
            error(fmt::format("{}.methods[{}]", path, i), "expected \"terminal\" or \"reference\"");
          }
        }
        s.outcomes = outcomes(j, path);
        break;
      case StepKind::submit:
      case StepKind::print_receipt:
        allow({"outcomes"});
        s.outcomes = outcomes(j, path);
        break;
      case StepKind::queue_ticket:
        allow({"counter", "outcomes"});
        s.counter = string(j, "counter", path, true, &counter_rule());
        s.outcomes = outcomes(j, path);
        break;
      case StepKind::end: {
        allow({"result"});
        std::string result = string(j, "result", path, true);
        if (result == "completed") {
          s.result = EndResult::completed;
        } else if (result == "cancelled") {
          s.result = EndResult::cancelled;
        } else if (result == "failed") {
          s.result = EndResult::failed;
        } else if (!result.empty()) {
          error(path + ".result", "expected \"completed\", \"cancelled\" or \"failed\"");
        }
        break;
      }
    }
    return s;
  }

  Bundle bundle(const json& j) {
    Bundle b;
    if (!object(j, "$")) return b;
    allow_only(j, "$",
               {"format", "id", "version", "ministry", "category", "title", "description",
                "requires", "currency", "fields", "steps", "start", "record", "receipt"});
    std::string format = string(j, "format", "$", true);
    if (!format.empty() && format != "shubbak.service/1") {
      error("$.format",
            fmt::format("unsupported format \"{}\" (this kiosk reads shubbak.service/1)", format));
    }
    b.id = string(j, "id", "$", true, &service_id_rule());
    b.version = string(j, "version", "$", true, &version_rule());
    b.ministry = string(j, "ministry", "$", true, &ministry_rule());
    b.category = string(j, "category", "$", true);
    static const std::set<std::string> categories = {"payments", "certificates", "appointments",
                                                     "permits",  "social",       "information"};
    if (!b.category.empty() && !categories.contains(b.category)) {
      error("$.category", fmt::format("unknown category \"{}\"", b.category));
    }
    if (auto t = text(j, "title", "$", true)) b.title = *t;
    if (auto t = text(j, "description", "$", true)) b.description = *t;
    b.required_devices = names(j, "requires", "$", true);
    static const std::set<std::string> devices = {"printer", "card_reader", "scanner",
                                                  "payment_terminal"};
    for (std::size_t i = 0; i < b.required_devices.size(); ++i) {
      if (!devices.contains(b.required_devices[i]))
        error(fmt::format("$.requires[{}]", i),
              fmt::format("unknown device \"{}\"", b.required_devices[i]));
    }
    b.currency = string(j, "currency", "$", false, &currency_rule());
    if (!b.currency.empty() && !currency_exponent(b.currency))
      error("$.currency", fmt::format("unknown currency \"{}\"", b.currency));
    if (const json* fields = member(j, "fields", "$", true)) {
      if (!fields->is_array() || fields->size() > k_max_fields) {
        error("$.fields", fmt::format("expected an array of at most {} fields", k_max_fields));
      } else {
        for (std::size_t i = 0; i < fields->size(); ++i)
          b.fields.push_back(field((*fields)[i], fmt::format("$.fields[{}]", i)));
      }
    }
    if (const json* steps = member(j, "steps", "$", true)) {
      if (!steps->is_array() || steps->empty() || steps->size() > k_max_steps) {
        error("$.steps", fmt::format("expected an array of 1 to {} steps", k_max_steps));
      } else {
        for (std::size_t i = 0; i < steps->size(); ++i)
          b.steps.push_back(step((*steps)[i], fmt::format("$.steps[{}]", i)));
      }
    }
    b.start = string(j, "start", "$", true);
    if (const json* record = member(j, "record", "$", true);
        record && object(*record, "$.record")) {
      allow_only(*record, "$.record", {"fields"});
      b.record_fields = names(*record, "fields", "$.record", true);
    }
    if (const json* receipt = member(j, "receipt", "$", false);
        receipt && object(*receipt, "$.receipt")) {
      allow_only(*receipt, "$.receipt", {"title", "lines", "footer"});
      Receipt r;
      if (auto t = text(*receipt, "title", "$.receipt", true)) r.title = *t;
      r.footer = text(*receipt, "footer", "$.receipt", false);
      if (const json* lines = member(*receipt, "lines", "$.receipt", true);
          lines && lines->is_array()) {
        for (std::size_t i = 0; i < lines->size(); ++i) {
          std::string at = fmt::format("$.receipt.lines[{}]", i);
          const json& l = (*lines)[i];
          if (!object(l, at)) continue;
          allow_only(l, at, {"label", "value"});
          auto label = text(l, "label", at, true);
          auto value = expression(l, "value", at);
          if (!value && !member(l, "value", at, false)) error(at + ".value", "required");
          if (label && value) r.lines.push_back({*label, std::move(*value)});
        }
      }
      b.receipt = std::move(r);
    }
    return b;
  }

 private:
  std::vector<BundleError>& m_errors;
};

}  // namespace

std::optional<Bundle> read_bundle(std::string_view text, std::vector<BundleError>& errors) {
  // Strict JSON with the bundle limits: duplicate keys, out-of-range integers, invalid UTF-8
  // and oversized documents are refused here, with their path, before the schema is read.
  auto document = read_strict_json(text, k_bundle_json_limits);
  if (!document) {
    errors.push_back({document.error().path, document.error().reason});
    return std::nullopt;
  }
  Reader reader(errors);
  return reader.bundle(*document);
}

std::variant<std::shared_ptr<const Bundle>, std::vector<BundleError>> load_bundle(
    std::string_view json_text) {
  std::vector<BundleError> errors;
  auto bundle = read_bundle(json_text, errors);
  if (!bundle) return errors;
  check_bundle(*bundle, errors);
  if (!errors.empty()) return errors;
  return std::make_shared<const Bundle>(std::move(*bundle));
}

}  // namespace shubbak::workflow
