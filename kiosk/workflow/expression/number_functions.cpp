// Number and money functions. Exact decimal arithmetic only; every rounding is half-even.
#include <array>

#include <limits>

#include <fmt/format.h>

#include "kiosk/workflow/expression/functions.hpp"

namespace shubbak::workflow {
namespace {

const Decimal& number_of(const Value& value) {
  return std::get<Decimal>(value.data);
}

Expected<TypeInfo> check_number(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::text}); !ok)
    return std::unexpected(ok.error());
  return TypeInfo{Type::number, ""};
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Text that is not a plain decimal number gives null, so a bundle can test `number($x) = null`.
Expected<Value> number(std::span<const Value> arguments, EvaluationBudget&) {
  auto parsed = Decimal::parse(trimmed(std::get<std::string>(arguments[0].data)));
  if (!parsed) return Value{};
  return Value{*parsed};
}

Expected<TypeInfo> check_round(const Node& call, std::span<const TypeInfo> arguments) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (auto ok = require_argument(call, arguments, i, {Type::number}); !ok)
      return std::unexpected(ok.error());
  }
  return TypeInfo{Type::number, ""};
}

Expected<Value> round(std::span<const Value> arguments, EvaluationBudget&) {
  std::int64_t digits = 0;
  if (arguments.size() > 1) {
    auto requested = whole_number("round", arguments[1], 0, 9);
    if (!requested) return std::unexpected(requested.error());
    digits = *requested;
  }
  auto result = number_of(arguments[0]).rounded(static_cast<int>(digits));
  if (!result) return runtime_error("round", result.error().message);
  return Value{*result};
}

Expected<TypeInfo> check_extreme(const Node& call, std::span<const TypeInfo> arguments) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    auto ok = require_argument(call, arguments, i, {Type::number, Type::money, Type::date});
    if (!ok) return std::unexpected(ok.error());
  }
  return unify(call, arguments, 0);
}

// Negative when a < b; the check has made both the same type.
int order(const Value& a, const Value& b) {
  switch (a.type()) {
    case Type::number:
      return number_of(a).compare(number_of(b));
    case Type::money: {
      auto x = std::get<Money>(a.data).minor_units, y = std::get<Money>(b.data).minor_units;
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case Type::date: {
      auto x = std::get<CivilDate>(a.data), y = std::get<CivilDate>(b.data);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    default:
      return 0;
  }
}

template <int k_sign>
Expected<Value> extreme(std::span<const Value> arguments, EvaluationBudget&) {
  const Value* best = &arguments[0];
  for (const auto& argument : arguments.subspan(1)) {
    if (order(argument, *best) * k_sign > 0) best = &argument;
  }
  return *best;
}

Expected<TypeInfo> check_abs(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::number, Type::money}); !ok) {
    return std::unexpected(ok.error());
  }
  return arguments[0];
}

Expected<Value> abs(std::span<const Value> arguments, EvaluationBudget&) {
  if (arguments[0].type() == Type::money) {
    Money money = std::get<Money>(arguments[0].data);
    if (money.minor_units == std::numeric_limits<std::int64_t>::min())
      return runtime_error("abs", "overflow");
    money.minor_units = money.minor_units < 0 ? -money.minor_units : money.minor_units;
    return Value{money};
  }
  const Decimal& value = number_of(arguments[0]);
  if (value.units() >= 0) return arguments[0];
  auto negated = Decimal(0, value.scale()).subtract(value);
  if (!negated) return runtime_error("abs", negated.error().message);
  return Value{*negated};
}

Expected<TypeInfo> check_money(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::number, Type::text}); !ok) {
    return std::unexpected(ok.error());
  }
  const std::string* currency = text_literal(call, 1);
  if (currency == nullptr)
    return fail(Errc::invalid_argument, "money() needs a currency code literal, like \"OMR\"");
  if (!currency_exponent(*currency)) {
    return fail(Errc::invalid_argument, fmt::format("money(): unknown currency \"{}\"", *currency));
  }
  return TypeInfo{Type::money, *currency};
}

// The amount in minor units, rounded half-even: money(1.2345, "OMR") is 1.234 OMR.
Expected<Value> money(std::span<const Value> arguments, EvaluationBudget&) {
  Decimal amount;
  if (arguments[0].type() == Type::text) {
    auto parsed = Decimal::parse(trimmed(std::get<std::string>(arguments[0].data)));
    if (!parsed) return Value{};
    amount = *parsed;
  } else {
    amount = number_of(arguments[0]);
  }
  const auto& currency = std::get<std::string>(arguments[1].data);
  auto exponent = currency_exponent(currency);
  if (!exponent) return runtime_error("money", fmt::format("unknown currency \"{}\"", currency));
  std::int64_t scale = 1;
  for (int i = 0; i < *exponent; ++i) scale *= 10;
  auto minor = amount.multiply(Decimal::integer(scale));
  if (!minor) return runtime_error("money", minor.error().message);
  auto whole = minor->rounded(0);
  if (!whole) return runtime_error("money", whole.error().message);
  return Value{Money{whole->units(), currency}};
}

Expected<TypeInfo> check_amount(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::money}); !ok)
    return std::unexpected(ok.error());
  return TypeInfo{Type::number, ""};
}

Expected<Value> amount(std::span<const Value> arguments, EvaluationBudget&) {
  const auto& money = std::get<Money>(arguments[0].data);
  auto exponent = currency_exponent(money.currency);
  if (!exponent)
    return runtime_error("amount", fmt::format("unknown currency \"{}\"", money.currency));
  return Value{Decimal(money.minor_units, *exponent)};
}

constexpr std::array k_number{
    FunctionSpec{"number", 1, 1, check_number, number, true},
    FunctionSpec{"round", 1, 2, check_round, round, true},
    FunctionSpec{"min", 1, k_any_count, check_extreme, extreme<-1>, true},
    FunctionSpec{"max", 1, k_any_count, check_extreme, extreme<1>, true},
    FunctionSpec{"abs", 1, 1, check_abs, abs, true},
    FunctionSpec{"money", 2, 2, check_money, money, true},
    FunctionSpec{"amount", 1, 1, check_amount, amount, true},
};

}  // namespace

std::span<const FunctionSpec> number_functions() {
  return k_number;
}

}  // namespace shubbak::workflow
