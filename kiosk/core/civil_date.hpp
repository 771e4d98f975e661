// A calendar date without time or zone (a birth date, an appointment day), Gregorian.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace shubbak {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// "2026-11-21" <-> CivilDate; parse refuses anything that is not a real Gregorian date.
std::optional<CivilDate> parse_iso_date(std::string_view text);
std::string to_iso_string(const CivilDate& date);
// Days since 1970-01-01 (negative before), and back: exact date arithmetic.
long days_since_epoch(const CivilDate& date);
CivilDate from_days_since_epoch(long days);
int days_in_month(int year, int month);

}  // namespace shubbak
