#include <cstdint>
#include <limits>

#include <doctest/doctest.h>

#include "kiosk/core/money.hpp"

using namespace shubbak;

TEST_CASE("three-decimal currencies of the region, two-decimal others") {
  for (const char* code : {"OMR", "JOD", "KWD", "BHD"}) CHECK(currency_exponent(code) == 3);
  for (const char* code : {"SAR", "AED", "QAR", "EGP", "USD"}) CHECK(currency_exponent(code) == 2);
  CHECK_FALSE(currency_exponent("XXX").has_value());
  CHECK_FALSE(currency_exponent("omr").has_value());
}

TEST_CASE("minor units become an exact decimal string") {
  CHECK(to_decimal_string({1250, "OMR"}) == "1.250");
  CHECK(to_decimal_string({5, "OMR"}) == "0.005");
  CHECK(to_decimal_string({0, "JOD"}) == "0.000");
  CHECK(to_decimal_string({-5, "SAR"}) == "-0.05");
  CHECK(to_decimal_string({100, "KMF"}) == "100");
  // Past 2^53 a double would round; integers do not.
  CHECK(to_decimal_string({9007199254740993, "KWD"}) == "9007199254740.993");
  CHECK(to_decimal_string({std::numeric_limits<std::int64_t>::min(), "USD"}) ==
        "-92233720368547758.08");
  CHECK_FALSE(to_decimal_string({1, "ZZZ"}).has_value());
}
