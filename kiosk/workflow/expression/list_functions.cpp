// Multi-choice answers (lists of option values) and identifier checks.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "kiosk/workflow/expression/check_digit.hpp"
#include "kiosk/workflow/expression/functions.hpp"

namespace shubbak::workflow {
namespace {

using List = std::vector<std::string>;

Expected<TypeInfo> check_selected(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::list}); !ok)
    return std::unexpected(ok.error());
  if (auto ok = require_argument(call, arguments, 1, {Type::text}); !ok)
    return std::unexpected(ok.error());
  return TypeInfo{Type::boolean, ""};
}

// Nothing is selected in an unanswered question.
Expected<Value> selected(std::span<const Value> arguments, EvaluationBudget& budget) {
  if (arguments[0].is_null() || arguments[1].is_null()) return Value{false};
  const auto& list = std::get<List>(arguments[0].data);
  if (auto ok = budget.spend(1 + static_cast<int>(list.size() / 16)); !ok)
    return std::unexpected(ok.error());
  return Value{std::find(list.begin(), list.end(), std::get<std::string>(arguments[1].data)) !=
               list.end()};
}

Expected<TypeInfo> check_count(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::list}); !ok)
    return std::unexpected(ok.error());
  return TypeInfo{Type::number, ""};
}

Expected<Value> count(std::span<const Value> arguments, EvaluationBudget&) {
  if (arguments[0].is_null()) return Value{Decimal::integer(0)};
  return Value{
      Decimal::integer(static_cast<std::int64_t>(std::get<List>(arguments[0].data).size()))};
}

Expected<TypeInfo> check_check_digit(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::text}); !ok)
    return std::unexpected(ok.error());
  const std::string* algorithm = text_literal(call, 1);
  if (algorithm == nullptr || (*algorithm != "luhn" && *algorithm != "mod11")) {
    return fail(Errc::invalid_argument,
                "check_digit() needs \"luhn\" or \"mod11\" as its algorithm");
  }
  return TypeInfo{Type::boolean, ""};
}

Expected<Value> check_digit(std::span<const Value> arguments, EvaluationBudget& budget) {
  const auto& digits = std::get<std::string>(arguments[0].data);
  if (auto ok = budget.spend_on_text(digits.size()); !ok) return std::unexpected(ok.error());
  const auto& algorithm = std::get<std::string>(arguments[1].data);
  if (algorithm == "luhn") return Value{luhn_valid(digits)};
  if (algorithm == "mod11") return Value{mod11_valid(digits)};
  return runtime_error("check_digit", fmt::format("unknown algorithm \"{}\"", algorithm));
}

constexpr std::array k_list{
    FunctionSpec{"selected", 2, 2, check_selected, selected, false},
    FunctionSpec{"count", 1, 1, check_count, count, false},
    FunctionSpec{"check_digit", 2, 2, check_check_digit, check_digit, true},
};

}  // namespace

std::span<const FunctionSpec> list_functions() {
  return k_list;
}

}  // namespace shubbak::workflow
