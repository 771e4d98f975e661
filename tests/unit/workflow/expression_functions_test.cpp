// Every function of the library: results, null handling and refusals.
#include <doctest/doctest.h>

#include "tests/unit/workflow/expression_support.hpp"

using namespace shubbak;
using namespace shubbak::workflow;
using namespace shubbak::workflow::testing;

TEST_CASE("if() and coalesce()") {
  CHECK(shown("if(1 > 2, \"a\", \"b\")") == "text b");
  CHECK(shown("if($urgent, $fee * 2, $fee)",
              {{"urgent", boolean(true)}, {"fee", money(1500, "OMR")}}) == "money 3.000 OMR");
  CHECK(shown("coalesce($x, $y, \"none\")") == "text none");
  CHECK(shown("coalesce($x, 5)", {{"x", number("2")}}) == "number 2");
  CHECK(eval("coalesce($x)").is_null());
}

TEST_CASE("concat() joins text; null joins as nothing") {
  CHECK(shown("concat(\"a\", \"ب\", $x, \"c\")") == "text aبc");
  CHECK(shown("concat(\"Fee: \", text(money(1.5, \"OMR\")))") == "text Fee: 1.500 OMR");
  CHECK(check_error("concat(\"a\", 1)").message ==
        "column 1: concat() needs text as argument 2, not number");
  CHECK(check_error("concat()").message == "column 1: concat() needs at least 1 argument, not 0");
}

TEST_CASE("len() counts code points, not bytes or graphemes") {
  CHECK(eval("len(\"abc\")") == number("3"));
  CHECK(eval("len(\"مرحبا\")") == number("5"));
  CHECK(eval("len(\"\")") == number("0"));
  CHECK(eval("len(\"\xd8\xa8\xd9\x8e\")") ==
        number("2"));  // beh + fatha: one grapheme, two code points
  CHECK(eval("len($x)").is_null());
}

TEST_CASE("trim(), upper() and lower()") {
  CHECK(shown("trim(\"  a b \t\")") == "text a b");
  CHECK(shown("trim(\"   \")") == "text ");
  CHECK(shown("upper(\"abc-é-ب\")") == "text ABC-é-ب");  // ASCII letters only
  CHECK(shown("lower(\"ABC-Z\")") == "text abc-z");
  CHECK(eval("upper($x)").is_null());
}

TEST_CASE("contains() and starts_with()") {
  CHECK(eval("contains(\"hello\", \"ell\")") == boolean(true));
  CHECK(eval("contains(\"hello\", \"z\")") == boolean(false));
  CHECK(eval("contains(\"مسقط\", \"سق\")") == boolean(true));
  CHECK(eval("starts_with(\"96812345\", \"968\")") == boolean(true));
  CHECK(eval("starts_with(\"a\", \"ab\")") == boolean(false));
  CHECK(eval("starts_with($x, \"a\")").is_null());
}

TEST_CASE("substr() takes a 0-based start and a length, in code points") {
  CHECK(shown("substr(\"مرحبا\", 1, 3)") == "text رحب");
  CHECK(shown("substr(\"abc\", 0, 2)") == "text ab");
  CHECK(shown("substr(\"abc\", 2, 10)") == "text c");
  CHECK(shown("substr(\"abc\", 5, 1)") == "text ");
  CHECK(shown("substr(\"abc\", 1, 0)") == "text ");
  CHECK(eval_error("substr(\"abc\", -1, 1)").message ==
        "column 1: substr(): -1 is outside 0 to 9223372036854775807");
  CHECK(eval_error("substr(\"abc\", 0.5, 1)").message ==
        "column 1: substr(): 0.5 is not a whole number");
  CHECK(check_error("substr(\"abc\", \"1\", 1)").message ==
        "column 1: substr() needs number as argument 2, not text");
}

TEST_CASE("matches() searches with an ICU regular expression given as a literal") {
  CHECK(eval("matches(\"91234567\", \"^9[0-9]{7}$\")") == boolean(true));
  CHECK(eval("matches(\"81234567\", \"^9[0-9]{7}$\")") == boolean(false));
  CHECK(eval("matches(\"912345678\", \"^9[0-9]{7}$\")") == boolean(false));
  CHECK(eval("matches(\"abc\", \"b\")") == boolean(true));
  CHECK(eval("matches(\"سالم\", \"^\\\\p{Arabic}+$\")") == boolean(true));
  CHECK(eval("matches($x, \"a\")").is_null());
  CHECK(check_error("matches($p, $p)", {{"p", {Type::text, ""}}}).message ==
        "column 1: matches() needs a string literal as its pattern");
  auto bad = check_error("matches(\"a\", \"(a\")");
  CHECK(bad.message.starts_with(
      "column 1: matches(): the pattern \"(a\" is not a valid regular expression ("));
  auto long_pattern = check_error("matches(\"a\", \"" + std::string(257, 'a') + "\")");
  CHECK(long_pattern.message ==
        "column 1: matches(): the pattern is 257 bytes long; at most 256 are allowed");
}

TEST_CASE("number() parses plain decimals; anything else is null") {
  CHECK(shown("number(\"12.50\")") == "number 12.50");
  CHECK(shown("number(\" 7 \")") == "number 7");
  CHECK(shown("number(\"-0.5\") * 2") == "number -1.0");
  CHECK(eval("number(\"abc\") = null") == boolean(true));
  CHECK(eval("number(\"1e3\")").is_null());
  CHECK(eval("number(\"١٢\")")
            .is_null());  // Arabic-Indic digits are normalised by the form, not here
  CHECK(check_error("number(1)").message ==
        "column 1: number() needs text as argument 1, not number");
}

TEST_CASE("text() formats every type") {
  CHECK(shown("text(1.50)") == "text 1.50");
  CHECK(shown("text(money(1.25, \"OMR\"))") == "text 1.250 OMR");
  CHECK(shown("text(date(\"2026-01-02\"))") == "text 2026-01-02");
  CHECK(shown("text(true)") == "text true");
  CHECK(shown("text($l)", {{"l", list({"a", "b"})}}) == "text a, b");
  CHECK(shown("text(null)") == "text ");
  CHECK(shown("text(\"x\")") == "text x");
}

TEST_CASE("round() is half-even, to 0..9 digits") {
  CHECK(shown("round(2.345, 2)") == "number 2.34");
  CHECK(shown("round(2.355, 2)") == "number 2.36");
  CHECK(shown("round(2.5)") == "number 2");
  CHECK(shown("round(3.5, 0)") == "number 4");
  CHECK(shown("round(-2.5)") == "number -2");
  CHECK(shown("round(1, 3)") == "number 1.000");
  CHECK(eval_error("round(1, 10)").message == "column 1: round(): 10 is outside 0 to 9");
  CHECK(check_error("round(1, 2, 3)").message == "column 1: round() needs 1 to 2 arguments, not 3");
}

TEST_CASE("min(), max() and abs()") {
  CHECK(shown("min(3, 1.5, 2)") == "number 1.5");
  CHECK(shown("max(3, 1.5, 2)") == "number 3");
  CHECK(eval("max(date(\"2026-01-01\"), today())") == date(2026, 11, 21));
  CHECK(shown("min(money(1, \"OMR\"), money(2, \"OMR\"))") == "money 1.000 OMR");
  CHECK(eval("min(1, $x)").is_null());
  CHECK(check_error("min(1, $fee)", {{"fee", {Type::money, "OMR"}}}).message ==
        "column 1: min() needs arguments of one type, not number and money in OMR");
  CHECK(check_error("max(\"a\")").message ==
        "column 1: max() needs number or money or date as argument 1, not text");
  CHECK(shown("abs(-1.5)") == "number 1.5");
  CHECK(shown("abs(2)") == "number 2");
  CHECK(shown("abs(-$fee)", {{"fee", money(1250, "OMR")}}) == "money 1.250 OMR");
  CHECK(eval_error("abs(-9223372036854775807 - 1)").message ==
        "column 1: abs(): number overflow: the result is too large");
}

TEST_CASE("selected() and count() on multi-choice answers") {
  FieldValues fields{{"docs", list({"passport", "id_card"})}};
  CHECK(eval("selected($docs, \"id_card\")", fields) == boolean(true));
  CHECK(eval("selected($docs, \"visa\")", fields) == boolean(false));
  CHECK(eval("selected($missing, \"visa\")", fields) == boolean(false));
  CHECK(eval("count($docs)", fields) == number("2"));
  CHECK(eval("count($missing)", fields) == number("0"));
  CHECK(check_error("selected(\"a\", \"a\")").message ==
        "column 1: selected() needs list as argument 1, not text");
}

TEST_CASE("check_digit() with Luhn and modulus 11") {
  CHECK(eval("check_digit(\"79927398713\", \"luhn\")") == boolean(true));
  CHECK(eval("check_digit(\"79927398710\", \"luhn\")") == boolean(false));
  CHECK(eval("check_digit(\"4111111111111111\", \"luhn\")") == boolean(true));
  CHECK(eval("check_digit(\"4111111111111112\", \"luhn\")") == boolean(false));
  CHECK(eval("check_digit(\"7992739871a\", \"luhn\")") == boolean(false));
  CHECK(eval("check_digit(\"0\", \"luhn\")") == boolean(false));
  CHECK(eval("check_digit(\"\", \"luhn\")") == boolean(false));
  // 12345: 5*2 + 4*3 + 3*4 + 2*5 + 1*6 = 50; 50 mod 11 = 6; check digit 11 - 6 = 5.
  CHECK(eval("check_digit(\"123455\", \"mod11\")") == boolean(true));
  CHECK(eval("check_digit(\"123456\", \"mod11\")") == boolean(false));
  // 1234567: weights 2..7 then 2 again: 7*2+6*3+5*4+4*5+3*6+2*7+1*2 = 106; 106 mod 11 = 7; 11-7
  // = 4.
  CHECK(eval("check_digit(\"12345674\", \"mod11\")") == boolean(true));
  CHECK(eval("check_digit(\"12345675\", \"mod11\")") == boolean(false));
  CHECK(eval("check_digit(\"00\", \"mod11\")") == boolean(true));  // 11 - 0 = 11 -> 0
  for (char last = '0'; last <= '9'; ++last) {
    // 6*2 = 12; 12 mod 11 = 1; 11 - 1 = 10: no check digit makes this payload valid.
    CHECK(eval(std::string("check_digit(\"6") + last + "\", \"mod11\")") == boolean(false));
  }
  CHECK(eval("check_digit($x, \"luhn\")").is_null());
  CHECK(check_error("check_digit(\"1\", \"sha\")").message ==
        "column 1: check_digit() needs \"luhn\" or \"mod11\" as its algorithm");
}

TEST_CASE("arity is checked for every function") {
  CHECK(check_error("today(1)").message == "column 1: today() needs no arguments, not 1");
  CHECK(check_error("len(\"a\", \"b\")").message == "column 1: len() needs 1 argument, not 2");
  CHECK(check_error("selected($l)", {{"l", {Type::list, ""}}}).message ==
        "column 1: selected() needs 2 arguments, not 1");
  CHECK(eval_error("today(1)").message == "column 1: today() needs no arguments, not 1");
}
