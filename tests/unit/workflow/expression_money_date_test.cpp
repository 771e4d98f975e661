// Money (integer minor units, three-decimal currencies of the region) and date arithmetic.
#include <doctest/doctest.h>

#include "tests/unit/workflow/expression_support.hpp"

using namespace shubbak;
using namespace shubbak::workflow;
using namespace shubbak::workflow::testing;

TEST_CASE("money adds and subtracts exactly in the same currency") {
  FieldValues fields{{"fee", money(1250, "OMR")}, {"fine", money(500, "OMR")}};
  CHECK(shown("$fee + $fee", fields) == "money 2.500 OMR");
  CHECK(shown("$fee - $fine - $fine", fields) == "money 0.250 OMR");
  CHECK(shown("$fine - $fee", fields) == "money -0.750 OMR");
  CHECK(shown("-$fee", fields) == "money -1.250 OMR");
  CHECK(shown("money(\"0.1\", \"KWD\") + money(\"0.2\", \"KWD\")") == "money 0.300 KWD");
  CHECK(eval("money(0.1, \"JOD\") + money(0.2, \"JOD\") = money(0.3, \"JOD\")") == boolean(true));
  CHECK(eval("0.1 + 0.2 = 0.3") == boolean(true));
}

TEST_CASE("money beyond the 2^53 of a double stays exact") {
  FieldValues fields{{"big", money(9007199254740993, "OMR")}};
  CHECK(shown("$big + money(0.001, \"OMR\")", fields) == "money 9007199254740.994 OMR");
  CHECK(shown("amount($big)", fields) == "number 9007199254740.993");
  CHECK(eval("$big", fields) == money(9007199254740993, "OMR"));
  CHECK(std::get<Money>(eval("$big * 1", fields).data).minor_units == 9007199254740993);
}

TEST_CASE("money times or divided by a number rounds half-even to the minor unit") {
  CHECK(shown("$fee * 3", {{"fee", money(1250, "OMR")}}) == "money 3.750 OMR");
  CHECK(shown("3 * $fee", {{"fee", money(1250, "OMR")}}) == "money 3.750 OMR");
  CHECK(shown("$fee * 0.5", {{"fee", money(1255, "OMR")}}) == "money 0.628 OMR");  // 627.5 -> 628
  CHECK(shown("$fee * 0.5", {{"fee", money(1265, "OMR")}}) == "money 0.632 OMR");  // 632.5 -> 632
  CHECK(shown("$fee / 3", {{"fee", money(1000, "OMR")}}) == "money 0.333 OMR");
  CHECK(shown("$fee / 3", {{"fee", money(2000, "OMR")}}) == "money 0.667 OMR");
  CHECK(shown("$fee / 2", {{"fee", money(5, "JOD")}}) == "money 0.002 JOD");    // 2.5 -> 2
  CHECK(shown("$fee / 2", {{"fee", money(7, "JOD")}}) == "money 0.004 JOD");    // 3.5 -> 4
  CHECK(shown("$fee / -2", {{"fee", money(5, "KWD")}}) == "money -0.002 KWD");  // -2.5 -> -2
  CHECK(shown("money(1, \"USD\") / 3") == "money 0.33 USD");
  CHECK(shown("money(12.345, \"JOD\") * 2") == "money 24.690 JOD");
  // 1.0005 OMR * 1 is exact at 1000.5 baisa, rounded once: 1000.5 -> 1000.
  CHECK(shown("money(1, \"OMR\") * 1.0005") == "money 1.000 OMR");
  CHECK(shown("money(1, \"OMR\") * 1.0015") == "money 1.002 OMR");
}

TEST_CASE("money() and amount() convert between numbers and money") {
  CHECK(shown("money(1.25, \"OMR\")") == "money 1.250 OMR");
  CHECK(shown("money(\" 3.5 \", \"BHD\")") == "money 3.500 BHD");
  CHECK(shown("money(1.2345, \"OMR\")") == "money 1.234 OMR");  // 1234.5 baisa -> 1234
  CHECK(shown("money(1.2355, \"OMR\")") == "money 1.236 OMR");  // 1235.5 baisa -> 1236
  CHECK(shown("money(7, \"DJF\")") == "money 7 DJF");
  CHECK(eval("money(\"abc\", \"OMR\")").is_null());
  CHECK(shown("amount(money(1.25, \"OMR\"))") == "number 1.250");
  CHECK(shown("amount(money(1.25, \"USD\"))") == "number 1.25");
  CHECK(check_error("money(1, \"XYZ\")").message == "column 1: money(): unknown currency \"XYZ\"");
  CHECK(check_error("money(1, $c)", {{"c", {Type::text, ""}}}).message ==
        "column 1: money() needs a currency code literal, like \"OMR\"");
  CHECK(check_error("money(true, \"OMR\")").message ==
        "column 1: money() needs number or text as argument 1, not boolean");
  CHECK(check_error("amount(1)").message ==
        "column 1: amount() needs money as argument 1, not number");
  CHECK(eval_error("money(99999999999999999, \"OMR\")").message ==
        "column 1: money(): number overflow: the result is too large");
}

TEST_CASE("dates: leap years in day arithmetic") {
  CHECK(eval("add_days(date(\"2024-02-28\"), 1)") == date(2024, 2, 29));
  CHECK(eval("add_days(date(\"2023-02-28\"), 1)") == date(2023, 3, 1));
  CHECK(eval("add_days(date(\"2000-02-28\"), 1)") == date(2000, 2, 29));
  CHECK(eval("add_days(date(\"1900-02-28\"), 1)") == date(1900, 3, 1));
  CHECK(eval("add_days(date(\"2026-01-01\"), -1)") == date(2025, 12, 31));
  CHECK(eval("add_days(today(), 30)") == date(2026, 12, 21));
  CHECK(eval("days_between(date(\"2026-01-01\"), date(\"2026-12-31\"))") == number("364"));
  CHECK(eval("days_between(date(\"2026-12-31\"), date(\"2026-01-01\"))") == number("-364"));
  CHECK(eval("days_between(date(\"2024-01-01\"), date(\"2025-01-01\"))") == number("366"));
}

TEST_CASE("add_months clamps to the end of the month") {
  CHECK(eval("add_months(date(\"2026-01-31\"), 1)") == date(2026, 2, 28));
  CHECK(eval("add_months(date(\"2024-01-31\"), 1)") == date(2024, 2, 29));
  CHECK(eval("add_months(date(\"2026-03-31\"), -1)") == date(2026, 2, 28));
  CHECK(eval("add_months(date(\"2026-11-30\"), 3)") == date(2027, 2, 28));
  CHECK(eval("add_months(date(\"2026-01-15\"), -13)") == date(2024, 12, 15));
  CHECK(eval("add_months(date(\"2026-05-31\"), 1)") == date(2026, 6, 30));
  CHECK(eval("add_months(date(\"2026-05-31\"), 0)") == date(2026, 5, 31));
}

TEST_CASE("years_between counts whole years, as ages") {
  FieldValues fields{{"born", date(2008, 11, 21)}};
  CHECK(eval("years_between($born, today())", fields) == number("18"));
  CHECK(eval("years_between($born, today()) >= 18", {{"born", date(2008, 11, 22)}}) ==
        boolean(false));
  CHECK(eval("years_between(today(), $born)", fields) == number("-18"));
  CHECK(eval("years_between(date(\"2008-02-29\"), date(\"2026-02-28\"))") == number("17"));
  CHECK(eval("years_between(date(\"2008-02-29\"), date(\"2026-03-01\"))") == number("18"));
  CHECK(eval("years_between(date(\"2008-02-29\"), date(\"2012-02-29\"))") == number("4"));
  CHECK(eval("years_between(today(), today())") == number("0"));
}

TEST_CASE("date(): literal dates are checked, answers that are not dates give null") {
  CHECK(eval("date(\"2024-02-29\")") == date(2024, 2, 29));
  CHECK(check_error("date(\"2026-02-30\")").message ==
        "column 1: date(): \"2026-02-30\" is not a YYYY-MM-DD date");
  CHECK(eval("date($t)", {{"t", text("2026-13-01")}}).is_null());
  CHECK(eval("date($t) = null", {{"t", text("21/11/2026")}}) == boolean(true));
  CHECK(eval("today()") == date(2026, 11, 21));
}

TEST_CASE("date arithmetic refuses fractional shifts and years outside 1..9999") {
  CHECK(eval_error("add_days(today(), 1.5)").message ==
        "column 1: add_days(): 1.5 is not a whole number");
  CHECK(eval_error("add_days(date(\"9999-12-31\"), 1)").message ==
        "column 1: add_days(): the date falls outside years 1 to 9999");
  CHECK(eval_error("add_months(date(\"0001-01-01\"), -1)").message ==
        "column 1: add_months(): the date falls outside years 1 to 9999");
  CHECK(eval_error("add_days(today(), 99999999999)").message ==
        "column 1: add_days(): 99999999999 is outside -3660000 to 3660000");
  CHECK(check_error("add_days(1, 1)").message ==
        "column 1: add_days() needs date as argument 1, not number");
  CHECK(check_error("days_between(today(), \"2026-01-01\")").message ==
        "column 1: days_between() needs date as argument 2, not text");
}
