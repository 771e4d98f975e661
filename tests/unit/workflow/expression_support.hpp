// Shorthands for the expression tests: parse + evaluate in one call, value constructors.
#pragma once

#include <limits>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "kiosk/workflow/expression/expression.hpp"

namespace shubbak::workflow::testing {

inline const CivilDate k_today{2026, 11, 21};

inline Value number(std::string_view text) {
  auto parsed = Decimal::parse(text);
  if (!parsed) FAIL(text << ": " << parsed.error().message);
  return Value{*parsed};
}
inline Value money(std::int64_t minor_units, std::string currency) {
  return Value{Money{minor_units, std::move(currency)}};
}
inline Value text(std::string value) {
  return Value{std::move(value)};
}
inline Value date(int year, int month, int day) {
  return Value{CivilDate{year, month, day}};
}
inline Value list(std::vector<std::string> items) {
  return Value{std::move(items)};
}
inline Value boolean(bool value) {
  return Value{value};
}

// Evaluates a source that must parse and evaluate.
inline Value eval(std::string_view source, const FieldValues& fields = {},
                  const EvaluationLimits& limits = {}) {
  auto expression = Expression::parse(source);
  if (!expression) FAIL(source << ": " << expression.error().message);
  auto value = expression->evaluate(fields, k_today, limits);
  if (!value) FAIL(source << ": " << value.error().message);
  return *value;
}

// The display form: compares decimals with their scale ("1.50" is not "1.5").
inline std::string shown(std::string_view source, const FieldValues& fields = {}) {
  Value value = eval(source, fields);
  return std::string(to_string(value.type())) + " " + value.to_display_string();
}

inline Error parse_error(std::string_view source) {
  auto expression = Expression::parse(source);
  if (expression) FAIL(source << " parsed but should not");
  CHECK(expression.error().code == Errc::parse);
  return expression.error();
}

inline Error check_error(std::string_view source, const FieldTypes& fields = {}) {
  auto expression = Expression::parse(source);
  if (!expression) FAIL(source << ": " << expression.error().message);
  auto type = expression->check(fields);
  if (type) FAIL(source << " checked but should not");
  CHECK(type.error().code == Errc::invalid_argument);
  return type.error();
}

inline Type checked(std::string_view source, const FieldTypes& fields = {}) {
  auto expression = Expression::parse(source);
  if (!expression) FAIL(source << ": " << expression.error().message);
  auto type = expression->check(fields);
  if (!type) FAIL(source << ": " << type.error().message);
  return *type;
}

inline Error eval_error(std::string_view source, const FieldValues& fields = {},
                        const EvaluationLimits& limits = {}) {
  auto expression = Expression::parse(source);
  if (!expression) FAIL(source << ": " << expression.error().message);
  auto value = expression->evaluate(fields, k_today, limits);
  if (value) FAIL(source << " evaluated but should not");
  return value.error();
}

}  // namespace shubbak::workflow::testing
