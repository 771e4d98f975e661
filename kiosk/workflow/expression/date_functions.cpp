// Date functions on the Gregorian calendar, exact day arithmetic. Results stay in years
// 1..9999, the range ISO 8601 dates are written in.
#include <array>

#include <fmt/format.h>

#include "kiosk/workflow/expression/functions.hpp"

namespace shubbak::workflow {
namespace {

constexpr std::int64_t k_max_day_shift = 3'660'000;  // ~10000 years
constexpr std::int64_t k_max_month_shift = 120'000;

const CivilDate& date_of(const Value& value) {
  return std::get<CivilDate>(value.data);
}

Expected<Value> in_range(std::string_view function, const CivilDate& date) {
  if (date.year < 1 || date.year > 9999)
    return runtime_error(function, "the date falls outside years 1 to 9999");
  return Value{date};
}

Expected<TypeInfo> check_today(const Node&, std::span<const TypeInfo>) {
  return TypeInfo{Type::date, ""};
}

Expected<Value> today(std::span<const Value>, EvaluationBudget& budget) {
  return Value{budget.today()};
}

Expected<TypeInfo> check_date(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::text}); !ok)
    return std::unexpected(ok.error());
  if (const std::string* literal = text_literal(call, 0);
      literal != nullptr && !parse_iso_date(*literal)) {
    return fail(Errc::invalid_argument,
                fmt::format("date(): \"{}\" is not a YYYY-MM-DD date", *literal));
  }
  return TypeInfo{Type::date, ""};
}

// Text that is not a real YYYY-MM-DD date gives null.
Expected<Value> date(std::span<const Value> arguments, EvaluationBudget&) {
  auto parsed = parse_iso_date(std::get<std::string>(arguments[0].data));
  if (!parsed) return Value{};
  return Value{*parsed};
}

Expected<TypeInfo> check_date_and_number(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::date}); !ok)
    return std::unexpected(ok.error());
  if (auto ok = require_argument(call, arguments, 1, {Type::number}); !ok)
    return std::unexpected(ok.error());
  return TypeInfo{Type::date, ""};
}

Expected<Value> add_days(std::span<const Value> arguments, EvaluationBudget&) {
  auto days = whole_number("add_days", arguments[1], -k_max_day_shift, k_max_day_shift);
  if (!days) return std::unexpected(days.error());
  return in_range("add_days",
                  from_days_since_epoch(days_since_epoch(date_of(arguments[0])) + *days));
}

// Whole months; a day past the end of the target month becomes its last day (Jan 31 + 1 month
// is Feb 28, or Feb 29 in a leap year).
Expected<Value> add_months(std::span<const Value> arguments, EvaluationBudget&) {
  auto months = whole_number("add_months", arguments[1], -k_max_month_shift, k_max_month_shift);
  if (!months) return std::unexpected(months.error());
  const CivilDate& start = date_of(arguments[0]);
  std::int64_t index = std::int64_t{start.year} * 12 + (start.month - 1) + *months;
  std::int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  int month = static_cast<int>(index - year * 12) + 1;
  if (year < 1 || year > 9999)
    return runtime_error("add_months", "the date falls outside years 1 to 9999");
  int y = static_cast<int>(year);
  return Value{CivilDate{y, month, std::min(start.day, days_in_month(y, month))}};
}

Expected<TypeInfo> check_two_dates(const Node& call, std::span<const TypeInfo> arguments) {
  for (std::size_t i = 0; i < 2; ++i) {
    if (auto ok = require_argument(call, arguments, i, {Type::date}); !ok)
      return std::unexpected(ok.error());
  }
  return TypeInfo{Type::number, ""};
}

Expected<Value> days_between(std::span<const Value> arguments, EvaluationBudget&) {
  return Value{Decimal::integer(days_since_epoch(date_of(arguments[1])) -
                                days_since_epoch(date_of(arguments[0])))};
}

// Whole years from `from` to `to`, as an age is counted: the year is complete on the same
// month and day. Someone born on 29 February completes a year on 1 March in common years.
std::int64_t whole_years(const CivilDate& from, const CivilDate& to) {
  if (to < from) return -whole_years(to, from);
  std::int64_t years = to.year - from.year;
  if (std::pair(to.month, to.day) < std::pair(from.month, from.day)) --years;
  return years;
}

Expected<Value> years_between(std::span<const Value> arguments, EvaluationBudget&) {
  return Value{Decimal::integer(whole_years(date_of(arguments[0]), date_of(arguments[1])))};
}

constexpr std::array k_date{
    FunctionSpec{"today", 0, 0, check_today, today, true},
    FunctionSpec{"date", 1, 1, check_date, date, true},
    FunctionSpec{"add_days", 2, 2, check_date_and_number, add_days, true},
    FunctionSpec{"add_months", 2, 2, check_date_and_number, add_months, true},
    FunctionSpec{"days_between", 2, 2, check_two_dates, days_between, true},
    FunctionSpec{"years_between", 2, 2, check_two_dates, years_between, true},
};

}  // namespace

std::span<const FunctionSpec> date_functions() {
  return k_date;
}

}  // namespace shubbak::workflow
