// Grammar, operator types, null rules and error messages of the workflow expression language.
#include <doctest/doctest.h>

#include "tests/unit/workflow/expression_support.hpp"

using namespace shubbak;
using namespace shubbak::workflow;
using namespace shubbak::workflow::testing;

TEST_CASE("literals: integers, decimals with their scale, strings, booleans, null") {
  CHECK(shown("42") == "number 42");
  CHECK(shown("1.250") == "number 1.250");
  CHECK(shown("0.000000001") == "number 0.000000001");
  CHECK(shown("\"plain\"") == "text plain");
  CHECK(shown(R"("say \"hi\" \\ bye")") == R"(text say "hi" \ bye)");
  CHECK(shown("\"مرحبا بكم\"") == "text مرحبا بكم");
  CHECK(shown("\"\"") == "text ");
  CHECK(eval("true") == boolean(true));
  CHECK(eval("false") == boolean(false));
  CHECK(eval("null").is_null());
  CHECK(eval("  \t\n 7 \r\n") == number("7"));
}

TEST_CASE("precedence: unary, then * /, then + -, then comparisons, not, and, or") {
  CHECK(eval("1 + 2 * 3") == number("7"));
  CHECK(eval("(1 + 2) * 3") == number("9"));
  CHECK(eval("-2 * 3") == number("-6"));
  CHECK(eval("2 - -2") == number("4"));
  CHECK(eval("- -2") == number("2"));
  CHECK(eval("1 + 2 = 3") == boolean(true));
  CHECK(eval("2 * 3 > 5 and 1 < 2") == boolean(true));
  CHECK(eval("true or false and false") == boolean(true));
  CHECK(eval("(true or false) and false") == boolean(false));
  CHECK(eval("not true or true") == boolean(true));
  CHECK(eval("not (true or true)") == boolean(false));
  CHECK(eval("not 1 = 2") == boolean(true));
  CHECK(eval("not not true") == boolean(true));
}

TEST_CASE("associativity: binary operators group from the left") {
  CHECK(eval("10 - 4 - 3") == number("3"));
  CHECK(eval("24 / 4 / 2") == number("3"));
  CHECK(eval("2 * 3 / 4") == number("1.5"));
  CHECK(eval("1 - 2 + 3") == number("2"));
}

TEST_CASE("comparisons on every ordered type") {
  CHECK(eval("1.0 = 1.000") == boolean(true));
  CHECK(eval("1.5 != 1.50") == boolean(false));
  CHECK(eval("2 <= 2") == boolean(true));
  CHECK(eval("2 >= 3") == boolean(false));
  CHECK(eval("\"abc\" < \"abd\"") == boolean(true));
  CHECK(eval("\"b\" > \"a\"") == boolean(true));
  CHECK(eval("date(\"2026-01-01\") < today()") == boolean(true));
  CHECK(eval("money(1, \"OMR\") > money(0.999, \"OMR\")") == boolean(true));
  CHECK(eval("true = true") == boolean(true));
  CHECK(eval("$a = $b", {{"a", list({"x", "y"})}, {"b", list({"x", "y"})}}) == boolean(true));
}

TEST_CASE("references: each field once, in order of first use") {
  auto expression = Expression::parse("$b + $a * $b > $c_2");
  REQUIRE(expression.has_value());
  CHECK(expression->references() == std::vector<std::string>{"b", "a", "c_2"});
  CHECK(expression->source() == "$b + $a * $b > $c_2");
}

TEST_CASE("fields: values by name; a missing field is null") {
  FieldValues fields{{"age", number("20")}, {"name", text("سالم")}};
  CHECK(eval("$age >= 18", fields) == boolean(true));
  CHECK(eval("$name = \"سالم\"", fields) == boolean(true));
  CHECK(eval("$missing", fields).is_null());
}

TEST_CASE("null: arithmetic gives null, = is true only for two nulls, orderings are false") {
  CHECK(eval("$x + 1").is_null());
  CHECK(eval("2 * $x").is_null());
  CHECK(eval("-$x").is_null());
  CHECK(eval("$x = null") == boolean(true));
  CHECK(eval("$x != null") == boolean(false));
  CHECK(eval("$x = 1") == boolean(false));
  CHECK(eval("$x != 1") == boolean(true));
  CHECK(eval("$x < 1") == boolean(false));
  CHECK(eval("$x >= 1") == boolean(false));
  CHECK(eval("1 = null") == boolean(false));
  CHECK(eval("not $x") == boolean(true));
  CHECK(eval("$x and true") == boolean(false));
  CHECK(eval("$x or true") == boolean(true));
  CHECK(eval("if($x, 1, 2)") == number("2"));
  CHECK(eval("$x = null", {{"x", number("0")}}) == boolean(false));
}

TEST_CASE("and, or and if() evaluate only what decides the result") {
  CHECK(eval("false and 1 / 0 = 1") == boolean(false));
  CHECK(eval("true or 1 / 0 = 1") == boolean(true));
  CHECK(eval("if(true, 1, 1 / 0)") == number("1"));
  CHECK(eval("if(false, 1 / 0, 2)") == number("2"));
  CHECK(eval_error("true and 1 / 0 = 1").message == "column 12: division by zero");
}

TEST_CASE("parse errors give the column, counted in characters") {
  CHECK(parse_error("1 +").message ==
        "column 4: expected a value, found the end of the expression");
  CHECK(parse_error("(1 + 2").message == "column 7: expected ')', found the end of the expression");
  CHECK(parse_error("1 2").message ==
        "column 3: expected an operator or the end of the expression, found '2'");
  CHECK(parse_error("1 < 2 < 3").message ==
        "column 7: comparisons do not chain: write 'a < b and b < c'");
  CHECK(parse_error("$Name").message ==
        "column 2: a field name after '$' starts with a lowercase letter or '_'");
  CHECK(parse_error("$").message ==
        "column 2: a field name after '$' starts with a lowercase letter or '_'");
  CHECK(parse_error("\"abc").message == "column 1: unterminated string");
  CHECK(parse_error(R"("a\n")").message ==
        R"(column 3: unknown escape: a string allows only \" and \\)");
  CHECK(parse_error("1 # 2").message == "column 3: unexpected character '#'");
  CHECK(parse_error("\"مرحبا\" = 1 #").message == "column 13: unexpected character '#'");
  CHECK(parse_error("1 + ب").message == "column 5: unexpected character 'ب'");
  CHECK(parse_error("foo(1)").message == "column 1: unknown function foo()");
  CHECK(parse_error("1.").message == "column 3: a digit must follow the decimal point");
  CHECK(parse_error(".5").message == "column 1: unexpected character '.'");
  CHECK(parse_error("1.5.2").message == "column 4: unexpected character '.'");
  CHECK(parse_error("0.1234567891").message == "column 1: a number has at most 9 decimal places");
  CHECK(parse_error("99999999999999999999").message == "column 1: number too large");
  CHECK(parse_error("3abc").message == "column 2: unexpected 'a' after a number");
  CHECK(parse_error("!true").message == "column 1: unexpected '!': write 'not' or '!='");
  CHECK(parse_error("\"\xff\"").message == "column 2: invalid UTF-8 in a string");
  CHECK(parse_error("1 \xc0\x80").message == "column 3: invalid UTF-8");
  CHECK(parse_error("len(\"a\" \"b\")").message == "column 9: expected ',' or ')', found a string");
  CHECK(parse_error("len").message ==
        "column 4: expected '(' after len, found the end of the expression");
  CHECK(parse_error("1 + and").message == "column 5: expected a value, found 'and'");
  CHECK(parse_error("").message == "column 1: expected a value, found the end of the expression");
  CHECK(parse_error("()").message == "column 2: expected a value, found ')'");
  CHECK(parse_error("len(1,)").message == "column 7: expected a value, found ')'");
  CHECK(parse_error("True").message == "column 1: unexpected character 'T'");
}

TEST_CASE("type checking: the result type of valid expressions") {
  FieldTypes fields{{"fee", {Type::money, "OMR"}}, {"age", {Type::number, ""}},
                    {"phone", {Type::text, ""}},   {"urgent", {Type::boolean, ""}},
                    {"born", {Type::date, ""}},    {"docs", {Type::list, ""}}};
  CHECK(checked("$fee * 2", fields) == Type::money);
  CHECK(checked("2 * $fee", fields) == Type::money);
  CHECK(checked("$fee / 3", fields) == Type::money);
  CHECK(checked("$fee + $fee - money(1, \"OMR\")", fields) == Type::money);
  CHECK(checked("$fee + null", fields) == Type::money);
  CHECK(checked("null + null", fields) == Type::null);
  CHECK(checked("$age = null", fields) == Type::boolean);
  CHECK(checked("if($urgent, $fee * 2, $fee)", fields) == Type::money);
  CHECK(checked("if($urgent, null, $fee)", fields) == Type::money);
  CHECK(checked("$age >= 18 and matches($phone, \"^9[0-9]{7}$\")", fields) == Type::boolean);
  CHECK(checked("years_between($born, today()) >= 18", fields) == Type::boolean);
  CHECK(checked("selected($docs, \"passport\") or count($docs) > 2", fields) == Type::boolean);
  CHECK(checked("concat($phone, text($fee))", fields) == Type::text);
  CHECK(checked("amount($fee)", fields) == Type::number);
  CHECK(checked("$born", fields) == Type::date);
}

TEST_CASE("type checking refuses what cannot work, naming the operator, field or function") {
  FieldTypes fields{{"fee", {Type::money, "OMR"}}, {"fine", {Type::money, "JOD"}},
                    {"d", {Type::date, ""}},       {"p", {Type::text, ""}},
                    {"bad", {Type::money, "XYZ"}}, {"l", {Type::list, ""}}};
  CHECK(check_error("$x + 1", fields).message == "column 1: unknown field $x");
  CHECK(check_error("$fee + $fine", fields).message ==
        "column 6: '+' cannot add money in OMR and money in JOD");
  CHECK(check_error("$fee - $fine", fields).message ==
        "column 6: '-' cannot subtract money in OMR and money in JOD");
  CHECK(check_error("$fee < $fine", fields).message ==
        "column 6: '<' cannot compare money in OMR and money in JOD");
  CHECK(check_error("$fee + 1", fields).message ==
        "column 6: '+' cannot add money in OMR and number");
  CHECK(check_error("$fee * $fee", fields).message ==
        "column 6: '*' cannot multiply money in OMR and money in OMR");
  CHECK(check_error("2 / $fee", fields).message ==
        "column 3: '/' cannot divide number and money in OMR");
  CHECK(check_error("$fee / $fee", fields).message ==
        "column 6: '/' cannot divide money in OMR and money in OMR");
  CHECK(check_error("\"a\" + \"b\"").message == "column 5: '+' does not join text: use concat()");
  CHECK(check_error("\"a\" - 1").message == "column 5: '-' cannot subtract text and number");
  CHECK(check_error("$d + 1", fields).message == "column 4: '+' cannot add date and number");
  CHECK(check_error("1 < \"a\"").message == "column 3: '<' cannot compare number and text");
  CHECK(check_error("1 = \"1\"").message == "column 3: '=' cannot compare number and text");
  CHECK(check_error("true < false").message == "column 6: '<' cannot order boolean and boolean");
  CHECK(check_error("$l > null", fields).message == "column 4: '>' cannot order list and null");
  CHECK(check_error("1 and true").message ==
        "column 3: 'and' needs booleans, not number and boolean");
  CHECK(check_error("true or \"x\"").message ==
        "column 6: 'or' needs booleans, not boolean and text");
  CHECK(check_error("not 1").message == "column 1: 'not' needs a boolean, not number");
  CHECK(check_error("-\"a\"").message == "column 1: unary '-' needs a number or money, not text");
  CHECK(check_error("if(true, 1)").message == "column 1: if() needs 3 arguments, not 2");
  CHECK(check_error("if(true, 1, \"a\")").message ==
        "column 1: if() needs arguments of one type, not number and text");
  CHECK(check_error("if(1, 2, 3)").message ==
        "column 1: if() needs boolean as argument 1, not number");
  CHECK(check_error("if(true, $fee, $fine)", fields).message ==
        "column 1: if() needs arguments of one type, not money in OMR and money in JOD");
  CHECK(check_error("$bad", fields).message ==
        "column 1: field $bad is money in an unknown currency \"XYZ\"");
  CHECK(check_error("1 + len(2)").message ==
        "column 5: len() needs text as argument 1, not number");
}

TEST_CASE("the evaluator refuses the same type errors on actual values") {
  CHECK(eval_error("$a + 1", {{"a", text("1")}}).code == Errc::invalid_argument);
  CHECK(eval_error("$a + 1", {{"a", text("1")}}).message ==
        "column 4: '+' does not join text: use concat()");
  auto mismatch = eval_error("$a + $b", {{"a", money(1, "OMR")}, {"b", money(1, "JOD")}});
  CHECK(mismatch.code == Errc::invalid_argument);
  CHECK(mismatch.message == "column 4: '+' cannot add money in OMR and money in JOD");
  CHECK(eval_error("$a and true", {{"a", number("1")}}).message ==
        "column 4: 'and' needs booleans, not number and boolean");
  CHECK(eval_error("true and $a", {{"a", number("1")}}).message ==
        "column 6: 'and' needs booleans, not boolean and number");
  CHECK(eval_error("if($a, 1, 2)", {{"a", text("yes")}}).message ==
        "column 1: if() needs boolean as argument 1, not text");
  CHECK(eval_error("len($a)", {{"a", number("5")}}).message ==
        "column 1: len() needs text as argument 1, not number");
  CHECK(eval_error("count($a)", {{"a", text("a")}}).message ==
        "column 1: count() needs list as argument 1, not text");
}

TEST_CASE("runtime errors: division by zero and overflow") {
  auto zero = eval_error("1 / 0");
  CHECK(zero.code == Errc::invalid_argument);
  CHECK(zero.message == "column 3: division by zero");
  CHECK(eval_error("$fee / 0", {{"fee", money(1000, "OMR")}}).message ==
        "column 6: division by zero");
  auto overflow = eval_error("9223372036854775807 + 1");
  CHECK(overflow.code == Errc::invalid_argument);
  CHECK(overflow.message == "column 21: number overflow: the result is too large");
  CHECK(
      eval_error("-$a", {{"a", money(std::numeric_limits<std::int64_t>::min(), "OMR")}}).message ==
      "column 1: money overflow: the result is too large");
  CHECK(eval_error("$a + $a", {{"a", money(std::numeric_limits<std::int64_t>::max(), "OMR")}})
            .message == "column 4: money overflow: the result is too large");
  CHECK(eval_error("$a * 2", {{"a", money(std::numeric_limits<std::int64_t>::max(), "OMR")}})
            .message == "column 4: money overflow: the result is too large");
}

TEST_CASE("values: display form and equality") {
  CHECK(money(1250, "OMR").to_display_string() == "1.250 OMR");
  CHECK(money(-5, "USD").to_display_string() == "-0.05 USD");
  CHECK(date(2026, 2, 3).to_display_string() == "2026-02-03");
  CHECK(list({"a", "b"}).to_display_string() == "a, b");
  CHECK(Value{}.to_display_string().empty());
  CHECK(boolean(false).to_display_string() == "false");
  CHECK(number("1.0") == number("1"));
  CHECK_FALSE(money(1, "OMR") == money(1, "JOD"));
  CHECK_FALSE(text("1") == number("1"));
  CHECK(to_string(Type::money) == "money");
  CHECK(list({}).type() == Type::list);
}
