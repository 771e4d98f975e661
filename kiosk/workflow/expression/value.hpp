// Values of the workflow expression language: exact decimals and money (never floating
// point), text, dates, booleans, lists (multi-choice answers) and null (no answer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kiosk/core/civil_date.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/core/money.hpp"

namespace shubbak::workflow {

// An exact decimal: `units` x 10^-scale, scale 0..9. Arithmetic that would overflow 64 bits is
// an error, never a wrap; division is exact or rounded half-even at scale 9.
class Decimal {
 public:
  Decimal() = default;
  Decimal(std::int64_t units, int scale) : m_units(units), m_scale(scale) {}
  static Decimal integer(std::int64_t value) { return {value, 0}; }
  // "12", "-0.125", "1.250": plain decimal notation only.
  static Expected<Decimal> parse(std::string_view text);

  std::int64_t units() const { return m_units; }
  int scale() const { return m_scale; }
  std::string to_string() const;  // no exponent, trailing zeros kept as scaled

  Expected<Decimal> add(const Decimal& other) const;
  Expected<Decimal> subtract(const Decimal& other) const;
  Expected<Decimal> multiply(const Decimal& other) const;
  Expected<Decimal> divide(const Decimal& other) const;
  // The quotient rounded half-even to exactly `scale` digits, in one rounding step.
  Expected<Decimal> divide(const Decimal& other, int scale) const;
  // Rounded half-even to `scale` digits.
  Expected<Decimal> rounded(int scale) const;
  int compare(const Decimal& other) const;  // -1, 0, 1
  bool is_integer() const;                  // no fractional part: 3.000 is an integer
  std::optional<std::int64_t> to_integer() const;
  bool operator==(const Decimal& other) const { return compare(other) == 0; }

 private:
  std::int64_t m_units = 0;
  int m_scale = 0;
};

enum class Type { null, boolean, number, money, text, date, list };

std::string_view to_string(Type type);

struct Value {
  std::variant<std::monostate, bool, Decimal, Money, std::string, CivilDate,
               std::vector<std::string>>
      data;

  Type type() const;
  bool is_null() const { return std::holds_alternative<std::monostate>(data); }
  // For logs, review screens and receipts: "1.250 OMR", "2026-11-21", "a, b".
  std::string to_display_string() const;
  bool operator==(const Value& other) const;
};

}  // namespace shubbak::workflow
