#include <cstdint>
#include <limits>

#include <doctest/doctest.h>

#include "kiosk/workflow/expression/value.hpp"

using namespace shubbak;
using namespace shubbak::workflow;

namespace {
Decimal d(std::string_view text) {
  auto parsed = Decimal::parse(text);
  if (!parsed) FAIL(text << ": " << parsed.error().message);
  return *parsed;
}
std::string s(const Expected<Decimal>& value) {
  if (!value) FAIL(value.error().message);
  return value->to_string();
}
}  // namespace

TEST_CASE("decimal parsing keeps the written scale and refuses anything else") {
  CHECK(d("1.250").units() == 1250);
  CHECK(d("1.250").scale() == 3);
  CHECK(d("-0.125").to_string() == "-0.125");
  CHECK(d("007").to_string() == "7");
  CHECK(d("9223372036854775807").units() == std::numeric_limits<std::int64_t>::max());
  CHECK(d("-9223372036854775808").units() == std::numeric_limits<std::int64_t>::min());
  CHECK(d("0.000000001").scale() == 9);
  for (const char* bad : {"", "-", "1.", ".5", "1e3", "+1", "1,5", "0x10", " 1", "1.2.3",
                          "0.0000000001", "9223372036854775808", "99999999999999999999999999"}) {
    CHECK_MESSAGE(!Decimal::parse(bad).has_value(), bad);
  }
}

TEST_CASE("decimal add and subtract are exact, never binary floating point") {
  CHECK(s(d("0.1").add(d("0.2"))) == "0.3");
  CHECK(d("0.1").add(d("0.2"))->compare(d("0.3")) == 0);
  CHECK(s(d("1.250").add(d("2"))) == "3.250");
  CHECK(s(d("1").subtract(d("0.001"))) == "0.999");
  // 2^53 + 1 is not representable as a double.
  CHECK(s(d("9007199254740992").add(d("1"))) == "9007199254740993");
}

TEST_CASE("decimal overflow is an error, never a wrap") {
  auto max = Decimal::integer(std::numeric_limits<std::int64_t>::max());
  auto sum = max.add(Decimal::integer(1));
  REQUIRE_FALSE(sum.has_value());
  CHECK(sum.error().code == Errc::invalid_argument);
  CHECK(sum.error().message == "number overflow: the result is too large");
  CHECK_FALSE(max.multiply(Decimal::integer(2)).has_value());
  CHECK_FALSE(Decimal::integer(std::numeric_limits<std::int64_t>::min())
                  .subtract(Decimal::integer(1))
                  .has_value());
  // Aligning scales can overflow too: 10^10 at scale 9 needs 10^19 units.
  CHECK_FALSE(d("10000000000").add(d("0.000000001")).has_value());
}

TEST_CASE("decimal multiply is exact up to scale 9, then rounds half-even") {
  CHECK(s(d("1.5").multiply(d("1.5"))) == "2.25");
  CHECK(s(d("-0.2").multiply(d("3"))) == "-0.6");
  CHECK(s(d("0.00001").multiply(d("0.00005"))) == "0.000000000");  // 5e-10 -> half-even to 0
  CHECK(s(d("0.00003").multiply(d("0.00005"))) == "0.000000002");  // 1.5e-9 -> 2e-9
  CHECK(s(d("0.00005").multiply(d("0.00005"))) == "0.000000002");  // 2.5e-9 -> 2e-9
}

TEST_CASE("decimal divide is exact or rounded half-even at scale 9") {
  CHECK(s(d("10").divide(d("4"))) == "2.5");
  CHECK(s(d("10").divide(d("2"))) == "5");
  CHECK(s(d("1").divide(d("3"))) == "0.333333333");
  CHECK(s(d("2").divide(d("3"))) == "0.666666667");
  CHECK(s(d("-2").divide(d("3"))) == "-0.666666667");
  CHECK(s(d("1.000").divide(d("0.008"))) == "125");
  auto zero = d("1").divide(d("0.00"));
  REQUIRE_FALSE(zero.has_value());
  CHECK(zero.error().message == "division by zero");
  // One rounding at the requested scale: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2.
  CHECK(s(d("5").divide(d("2"), 0)) == "2");
  CHECK(s(d("7").divide(d("2"), 0)) == "4");
  CHECK(s(d("-5").divide(d("2"), 0)) == "-2");
}

TEST_CASE("decimal rounding is half-even") {
  CHECK(s(d("2.345").rounded(2)) == "2.34");
  CHECK(s(d("2.355").rounded(2)) == "2.36");
  CHECK(s(d("2.3451").rounded(2)) == "2.35");
  CHECK(s(d("-2.345").rounded(2)) == "-2.34");
  CHECK(s(d("0.5").rounded(0)) == "0");
  CHECK(s(d("1.5").rounded(0)) == "2");
  CHECK(s(d("1.5").rounded(3)) == "1.500");
  CHECK_FALSE(d("1").rounded(10).has_value());
  CHECK_FALSE(d("1").rounded(-1).has_value());
}

TEST_CASE("decimal comparison ignores the scale") {
  CHECK(d("1.0") == d("1.000"));
  CHECK(d("1.01").compare(d("1.1")) == -1);
  CHECK(d("-1").compare(d("-1.5")) == 1);
  CHECK(d("3").is_integer());
  CHECK(d("3.000").to_integer() == 3);
  CHECK_FALSE(d("3.5").is_integer());
}
