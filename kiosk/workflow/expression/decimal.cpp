// Exact decimal arithmetic. Every operation widens to __int128, so an intermediate result
// cannot wrap; only the final value must fit the 64-bit units, or the operation fails.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

#include "kiosk/workflow/expression/value.hpp"

namespace shubbak::workflow {
namespace {

// __int128 is a GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Wide;

constexpr int k_max_scale = 9;

Wide power_of_ten(int exponent) {
  Wide result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

bool fits(Wide value) {
  return value >= std::numeric_limits<std::int64_t>::min() &&
         value <= std::numeric_limits<std::int64_t>::max();
}

Expected<Decimal> make(Wide units, int scale) {
  if (!fits(units)) return fail(Errc::invalid_argument, "number overflow: the result is too large");
  return Decimal(static_cast<std::int64_t>(units), scale);
}

// numerator / denominator rounded half-even; denominator != 0.
Wide divide_half_even(Wide numerator, Wide denominator) {
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  Wide quotient = numerator / denominator;
  Wide remainder = numerator % denominator;
  if (remainder == 0) return quotient;
  Wide twice = (remainder < 0 ? -remainder : remainder) * 2;
  bool away = twice > denominator || (twice == denominator && quotient % 2 != 0);
  if (away) quotient += numerator < 0 ? -1 : 1;
  return quotient;
}

}  // namespace

Expected<Decimal> Decimal::parse(std::string_view text) {
  std::string_view rest = text;
  bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  auto point = rest.find('.');
  std::string_view whole = rest.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view{} : rest.substr(point + 1);
  auto all_digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (point != std::string_view::npos && fraction.empty())) {
    return fail(Errc::parse, "not a decimal number: \"" + std::string(text.substr(0, 40)) + "\"");
  }
  if (fraction.size() > k_max_scale) return fail(Errc::parse, "more than 9 decimal places");
  Wide units = 0;
  for (char c : std::string(whole) + std::string(fraction)) {
    units = units * 10 + (c - '0');
    if (units > Wide{1} << 64) return fail(Errc::parse, "number too large");
  }
  if (negative) units = -units;
  if (!fits(units)) return fail(Errc::parse, "number too large");
  return Decimal(static_cast<std::int64_t>(units), static_cast<int>(fraction.size()));
}

std::string Decimal::to_string() const {
  bool negative = m_units < 0;
  std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(m_units) : static_cast<std::uint64_t>(m_units);
  std::string digits = std::to_string(magnitude);
  auto width = static_cast<std::size_t>(m_scale);
  if (digits.size() <= width) digits.insert(0, width + 1 - digits.size(), '0');
  std::string text = negative ? "-" : "";
  text += digits.substr(0, digits.size() - width);
  if (width > 0) text += "." + digits.substr(digits.size() - width);
  return text;
}

Expected<Decimal> Decimal::add(const Decimal& other) const {
  int scale = std::max(m_scale, other.m_scale);
  return make(Wide{m_units} * power_of_ten(scale - m_scale) +
                  Wide{other.m_units} * power_of_ten(scale - other.m_scale),
              scale);
}

Expected<Decimal> Decimal::subtract(const Decimal& other) const {
  int scale = std::max(m_scale, other.m_scale);
  return make(Wide{m_units} * power_of_ten(scale - m_scale) -
                  Wide{other.m_units} * power_of_ten(scale - other.m_scale),
              scale);
}

Expected<Decimal> Decimal::multiply(const Decimal& other) const {
  // |units| < 2^63 each, so the product fits 127 bits; scales add up to at most 18.
  Wide product = Wide{m_units} * Wide{other.m_units};
  int scale = m_scale + other.m_scale;
  if (scale > k_max_scale) {
    product = divide_half_even(product, power_of_ten(scale - k_max_scale));
    scale = k_max_scale;
  }
  return make(product, scale);
}

Expected<Decimal> Decimal::divide(const Decimal& other) const {
  auto quotient = divide(other, k_max_scale);
  if (!quotient) return quotient;
  // Drop the trailing zeros an exact quotient has at scale 9: 10 / 4 is 2.5.
  std::int64_t units = quotient->units();
  int scale = quotient->scale();
  while (scale > 0 && units % 10 == 0) {
    units /= 10;
    --scale;
  }
  return Decimal(units, scale);
}

Expected<Decimal> Decimal::divide(const Decimal& other, int scale) const {
  if (other.m_units == 0) return fail(Errc::invalid_argument, "division by zero");
  if (scale < 0 || scale > k_max_scale) return fail(Errc::invalid_argument, "scale must be 0 to 9");
  // this / other at `scale` = units * 10^(scale + other.scale - this.scale) / other.units; the
  // exponent is -9..18, and 2^63 * 10^18 < 2^127.
  int exponent = scale + other.m_scale - m_scale;
  Wide numerator = Wide{m_units};
  Wide denominator = Wide{other.m_units};
  if (exponent >= 0) {
    numerator *= power_of_ten(exponent);
  } else {
    denominator *= power_of_ten(-exponent);
  }
  return make(divide_half_even(numerator, denominator), scale);
}

Expected<Decimal> Decimal::rounded(int scale) const {
  if (scale < 0 || scale > k_max_scale) return fail(Errc::invalid_argument, "scale must be 0 to 9");
  if (scale >= m_scale) return make(Wide{m_units} * power_of_ten(scale - m_scale), scale);
  return make(divide_half_even(Wide{m_units}, power_of_ten(m_scale - scale)), scale);
}

int Decimal::compare(const Decimal& other) const {
  int scale = std::max(m_scale, other.m_scale);
  Wide left = Wide{m_units} * power_of_ten(scale - m_scale);
  Wide right = Wide{other.m_units} * power_of_ten(scale - other.m_scale);
  return left < right ? -1 : (left > right ? 1 : 0);
}

bool Decimal::is_integer() const {
  return m_units % static_cast<std::int64_t>(power_of_ten(m_scale)) == 0;
}

std::optional<std::int64_t> Decimal::to_integer() const {
  if (!is_integer()) return std::nullopt;
  return m_units / static_cast<std::int64_t>(power_of_ten(m_scale));
}

}  // namespace shubbak::workflow
