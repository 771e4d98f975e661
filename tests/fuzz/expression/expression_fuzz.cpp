// Fuzz target: the workflow expression language, parse -> check -> evaluate, on arbitrary bytes.
// The first byte picks the mode: even, the rest is source text as is; odd, each further byte
// picks a token from the language's vocabulary, so random inputs reach the checker and the
// evaluator, not only the lexer.
// Invariants: no crash or sanitizer report; every error is clean (parse errors are Errc::parse
// with a column, check errors Errc::invalid_argument with a column, evaluation errors
// Errc::invalid_argument with a column or Errc::cancelled); a well-typed expression evaluates
// to a value of its checked type or null; evaluation is deterministic.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kiosk/workflow/expression/expression.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::workflow;

void require(bool ok) {
  if (!ok) std::abort();
}

constexpr std::array<std::string_view, 83> k_vocabulary{"$n",
                                                        "$m",
                                                        "$j",
                                                        "$t",
                                                        "$d",
                                                        "$b",
                                                        "$l",
                                                        "$u",
                                                        "$x",
                                                        "1",
                                                        "0",
                                                        "2.5",
                                                        "-1",
                                                        "9223372036854775807",
                                                        "0.000000001",
                                                        "3",
                                                        "-",
                                                        "+",
                                                        "*",
                                                        "/",
                                                        "=",
                                                        "!=",
                                                        "<",
                                                        "<=",
                                                        ">",
                                                        ">=",
                                                        " and ",
                                                        " or ",
                                                        "not ",
                                                        "(",
                                                        ")",
                                                        ",",
                                                        "true",
                                                        "false",
                                                        "null",
                                                        "\"a\"",
                                                        "\"سالم\"",
                                                        "\"2024-02-29\"",
                                                        "\"OMR\"",
                                                        "\"JOD\"",
                                                        "\"^[0-9]+$\"",
                                                        "\"(a+)+$\"",
                                                        "\"luhn\"",
                                                        "\"mod11\"",
                                                        "\"\\\"\"",
                                                        "\"12.5\"",
                                                        " ",
                                                        "if(",
                                                        "coalesce(",
                                                        "concat(",
                                                        "len(",
                                                        "trim(",
                                                        "upper(",
                                                        "lower(",
                                                        "contains(",
                                                        "starts_with(",
                                                        "substr(",
                                                        "matches(",
                                                        "number(",
                                                        "text(",
                                                        "round(",
                                                        "min(",
                                                        "max(",
                                                        "abs(",
                                                        "today()",
                                                        "date(",
                                                        "add_days(",
                                                        "add_months(",
                                                        "days_between(",
                                                        "years_between(",
                                                        "money(",
                                                        "amount(",
                                                        "selected(",
                                                        "count(",
                                                        "check_digit(",
                                                        "\"79927398713\"",
                                                        "$",
                                                        "\"",
                                                        ".",
                                                        "5",
                                                        "\\",
                                                        "#",
                                                        "\xff"};

const FieldTypes& field_types() {
  static const FieldTypes types{
      {"n", {Type::number, ""}}, {"m", {Type::money, "OMR"}}, {"j", {Type::money, "JOD"}},
      {"t", {Type::text, ""}},   {"d", {Type::date, ""}},     {"b", {Type::boolean, ""}},
      {"l", {Type::list, ""}},   {"u", {Type::number, ""}},
  };
  return types;
}

const FieldValues& field_values() {
  static const FieldValues values{
      {"n", Value{Decimal(125, 1)}},
      {"m", Value{Money{1250, "OMR"}}},
      {"j", Value{Money{-7, "JOD"}}},
      {"t", Value{std::string("سالم 123 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")}},
      {"d", Value{CivilDate{2008, 2, 29}}},
      {"b", Value{true}},
      {"l", Value{std::vector<std::string>{"a", "b"}}},
      // $u is declared but unanswered: it evaluates to null.
  };
  return values;
}

bool has_column(const Error& error) {
  return error.message.starts_with("column ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string source;
  if (data[0] % 2 == 0) {
    source.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  } else {
    for (std::size_t i = 1; i < size; ++i) source += k_vocabulary[data[i] % k_vocabulary.size()];
  }

  auto expression = Expression::parse(source);
  if (!expression) {
    require(expression.error().code == Errc::parse && has_column(expression.error()));
    return 0;
  }
  require(expression->source() == source);

  auto type = expression->check(field_types());
  if (!type) require(type.error().code == Errc::invalid_argument && has_column(type.error()));

  EvaluationLimits limits;
  limits.max_steps = 300;
  limits.max_text_bytes = 512;
  limits.regex_time_limit_ms = 2;
  const CivilDate today{2026, 11, 21};
  auto value = expression->evaluate(field_values(), today, limits);
  if (!value) {
    const Error& error = value.error();
    require(error.code == Errc::cancelled ||
            (error.code == Errc::invalid_argument && has_column(error)));
    return 0;
  }
  (void)value->to_display_string();
  if (type) require(value->type() == *type || value->is_null());
  // Immutable and deterministic: a second evaluation gives the same value. (A regex time-out
  // is the one result that may differ, so the second run only compares successes.)
  auto again = expression->evaluate(field_values(), today, limits);
  if (again) require(*again == *value);
  return 0;
}
