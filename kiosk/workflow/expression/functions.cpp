// The function table, the shared helpers, and the control functions if() and coalesce().
#include "kiosk/workflow/expression/functions.hpp"

#include <array>

#include <fmt/format.h>

namespace shubbak::workflow {

Expected<void> EvaluationBudget::spend(std::int64_t steps) {
  m_steps += steps;
  if (m_steps > m_limits.max_steps) {
    return fail(Errc::cancelled,
                fmt::format("evaluation stopped after {} steps", m_limits.max_steps));
  }
  if (m_shared) return m_shared->spend(steps);
  return {};
}

Expected<void> WorkBudget::spend(std::int64_t steps) {
  m_spent += steps;
  if (m_spent > m_limit) {
    return fail(
        Errc::cancelled,
        fmt::format("the work budget of {} steps for one screen or keystroke is spent", m_limit));
  }
  return {};
}

Expected<void> EvaluationBudget::check_text_size(std::size_t bytes) const {
  if (bytes > m_limits.max_text_bytes) {
    return fail(Errc::cancelled, fmt::format("a text of {} bytes exceeds the limit of {} bytes",
                                             bytes, m_limits.max_text_bytes));
  }
  return {};
}

const FunctionSpec* find_function(std::string_view name) {
  for (auto group : {control_functions(), text_functions(), number_functions(), date_functions(),
                     list_functions()}) {
    for (const auto& spec : group) {
      if (spec.name == name) return &spec;
    }
  }
  return nullptr;
}

std::unexpected<Error> runtime_error(std::string_view function, std::string_view message) {
  return fail(Errc::invalid_argument, fmt::format("{}(): {}", function, message));
}

Expected<void> require_argument(const Node& call, std::span<const TypeInfo> arguments,
                                std::size_t index, std::initializer_list<Type> allowed) {
  Type type = arguments[index].type;
  if (type == Type::null) return {};
  std::string wanted;
  for (Type candidate : allowed) {
    if (candidate == type) return {};
    if (!wanted.empty()) wanted += " or ";
    wanted += to_string(candidate);
  }
  return fail(Errc::invalid_argument, fmt::format("{}() needs {} as argument {}, not {}", call.name,
                                                  wanted, index + 1, describe(arguments[index])));
}

const std::string* text_literal(const Node& call, std::size_t index) {
  if (index >= call.children.size() || !call.children[index]->is_text_literal()) return nullptr;
  return &std::get<std::string>(call.children[index]->literal.data);
}

Expected<TypeInfo> unify(const Node& call, std::span<const TypeInfo> arguments, std::size_t first) {
  TypeInfo common;
  for (std::size_t i = first; i < arguments.size(); ++i) {
    const TypeInfo& argument = arguments[i];
    if (argument.type == Type::null) continue;
    if (common.type == Type::null) {
      common = argument;
      continue;
    }
    if (argument.type != common.type || argument.currency != common.currency) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}() needs arguments of one type, not {} and {}", call.name,
                              describe(common), describe(argument)));
    }
  }
  return common;
}

Expected<std::int64_t> whole_number(std::string_view function, const Value& value, std::int64_t low,
                                    std::int64_t high) {
  auto integer = std::get<Decimal>(value.data).to_integer();
  if (!integer)
    return runtime_error(function,
                         fmt::format("{} is not a whole number", value.to_display_string()));
  if (*integer < low || *integer > high) {
    return runtime_error(function, fmt::format("{} is outside {} to {}", *integer, low, high));
  }
  return *integer;
}

namespace {

Expected<TypeInfo> check_if(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::boolean}); !ok)
    return std::unexpected(ok.error());
  return unify(call, arguments, 1);
}

Expected<TypeInfo> check_coalesce(const Node& call, std::span<const TypeInfo> arguments) {
  return unify(call, arguments, 0);
}

Expected<Value> coalesce(std::span<const Value> arguments, EvaluationBudget&) {
  for (const auto& argument : arguments) {
    if (!argument.is_null()) return argument;
  }
  return Value{};
}

constexpr std::array k_control{
    FunctionSpec{"if", 3, 3, check_if, nullptr, false},
    FunctionSpec{"coalesce", 1, k_any_count, check_coalesce, coalesce, false},
};

}  // namespace

std::span<const FunctionSpec> control_functions() {
  return k_control;
}

}  // namespace shubbak::workflow
