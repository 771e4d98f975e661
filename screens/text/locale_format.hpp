// Numbers, money, dates and plural-aware messages as a citizen of the region reads them, through
// ICU, in each offered language's locale: its own or Western digits as configured, each currency
// with its own minor units, Gregorian and Hijri (Umm al-Qura) dates, and each language's plural
// forms (Arabic's six, one and other for most).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kiosk/core/civil_date.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/core/language.hpp"
#include "kiosk/core/money.hpp"

namespace shubbak {

enum class DigitStyle { western, native };
enum class CalendarKind { gregorian, hijri_umm_al_qura };

using MessageArgument = std::variant<std::int64_t, std::string>;

class LocaleFormatter {
 public:
  // Western digits, or each language's own where its locale has them (Arabic, Farsi, Bengali);
  // English always uses Western digits.
  LocaleFormatter(Language language, DigitStyle digits);

  std::string integer(std::int64_t value, bool grouped = true) const;
  // "1.250 ر.ع." / "OMR 1.250": exactly the currency's minor units; an unknown currency is an
  // error.
  Expected<std::string> money(const Money& amount) const;
  // A long date, e.g. "21 نوفمبر 2026" or "21 Jumada I 1448 AH".
  Expected<std::string> date(const CivilDate& date, CalendarKind calendar) const;
  // "نوفمبر" / "November": the Gregorian month's name.
  std::string month_name(int month) const;
  // The Umm al-Qura date of a Gregorian one.
  static Expected<CivilDate> to_hijri(const CivilDate& gregorian);
  // An ICU MessageFormat pattern, e.g. "{count, plural, one {# minute} other {# minutes}}".
  Expected<std::string> message(
      std::string_view pattern,
      const std::vector<std::pair<std::string, MessageArgument>>& arguments) const;

  Language language() const { return m_language; }

 private:
  std::string locale_id(CalendarKind calendar) const;

  Language m_language;
  DigitStyle m_digits;
};

}  // namespace shubbak
