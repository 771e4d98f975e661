// Fuzz target: the workflow expression language, parse -> check -> evaluate, on arbitrary bytes.
// The first byte picks the mode: the rest is source text as is; or each further byte picks a
// token from the language's vocabulary; or the bytes drive a generator that follows the grammar,
// so random inputs reach the checker and the evaluator, not only the lexer.
// Invariants: no crash or sanitizer report; every error is clean (parse errors are Errc::parse
// with a column, check errors Errc::invalid_argument with a column, evaluation errors
// Errc::invalid_argument with a column or Errc::cancelled); a well-typed expression evaluates
// to a value of its checked type or null; evaluation is deterministic.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <limits>
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

// Builds a syntactically plausible expression from bytes: each byte picks a production.
class GrammarGenerator {
 public:
  GrammarGenerator(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}

  std::string expression(int depth) {
    std::uint8_t choice = next();
    if (depth > 5 || m_at >= m_size) return leaf();
    switch (choice % 8) {
      case 0:
      case 1:
        return leaf();
      case 2: {
        static constexpr std::array<std::string_view, 14> k_operators{
            " + ",  " - ", " * ",  " / ",   " = ",  " != ", " < ",
            " <= ", " > ", " >= ", " and ", " or ", "+",    "*"};
        std::string left = expression(depth + 1);
        return left + std::string(k_operators[next() % k_operators.size()]) + expression(depth + 1);
      }
      case 3:
        return (next() % 2 == 0 ? "not " : "-") + expression(depth + 1);
      case 4:
        return "(" + expression(depth + 1) + ")";
      default: {
        static constexpr std::array<std::string_view, 28> k_functions{
            "if",     "coalesce", "concat",      "len",          "trim",          "upper",
            "lower",  "contains", "starts_with", "substr",       "matches",       "number",
            "text",   "round",    "min",         "max",          "abs",           "today",
            "date",   "add_days", "add_months",  "days_between", "years_between", "money",
            "amount", "selected", "count",       "check_digit"};
        std::string call = std::string(k_functions[next() % k_functions.size()]) + "(";
        int arguments = next() % 4;
        for (int i = 0; i < arguments; ++i) call += (i > 0 ? ", " : "") + expression(depth + 1);
        return call + ")";
      }
    }
  }

 private:
  std::uint8_t next() { return m_at < m_size ? m_data[m_at++] : 0; }

  std::string leaf() {
    static constexpr std::array<std::string_view, 24> k_leaves{"$n",
                                                               "$m",
                                                               "$j",
                                                               "$t",
                                                               "$d",
                                                               "$b",
                                                               "$l",
                                                               "$u",
                                                               "1",
                                                               "0",
                                                               "2.5",
                                                               "0.001",
                                                               "9223372036854775807",
                                                               "\"OMR\"",
                                                               "\"JOD\"",
                                                               "\"a\"",
                                                               "\"2024-02-29\"",
                                                               "\"^[0-9]+$\"",
                                                               "\"(a+)+$\"",
                                                               "\"luhn\"",
                                                               "\"mod11\"",
                                                               "true",
                                                               "null",
                                                               "today()"};
    return std::string(k_leaves[next() % k_leaves.size()]);
  }

  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_at = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string source;
  if (data[0] % 3 == 0) {
    source.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  } else if (data[0] % 3 == 1) {
    for (std::size_t i = 1; i < size; ++i) source += k_vocabulary[data[i] % k_vocabulary.size()];
  } else {
    source = GrammarGenerator(data + 1, size - 1).expression(0);
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
  // Immutable and deterministic: a second evaluation gives the same value.
  auto again = expression->evaluate(field_values(), today, limits);
  require(again.has_value() && *again == *value);
  // The static bound covers what an evaluation spends.
  WorkBudget budget(std::numeric_limits<std::int64_t>::max() / 2);
  (void)expression->evaluate(field_values(), today, limits, &budget);
  require(budget.spent() <= expression->cost_bound(limits));
  return 0;
}
