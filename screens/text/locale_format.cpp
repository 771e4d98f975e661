#include "screens/text/locale_format.hpp"

#include <fmt/format.h>
#include <unicode/calendar.h>
#include <unicode/datefmt.h>
#include <unicode/dtfmtsym.h>
#include <unicode/gregocal.h>
#include <unicode/msgfmt.h>
#include <unicode/numberformatter.h>
#include <unicode/timezone.h>

namespace shubbak {

namespace {

std::string to_utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::unexpected<Error> icu_error(std::string_view what, UErrorCode status) {
  return fail(Errc::invalid_argument, fmt::format("{}: {}", what, u_errorName(status)));
}

// Noon UTC of a civil date, so no time zone moves it to another day.
Expected<UDate> noon_utc(const CivilDate& date) {
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) {
    return fail(Errc::invalid_argument,
                fmt::format("{}-{}-{} is not a date", date.year, date.month, date.day));
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::GregorianCalendar calendar(icu::TimeZone::getGMT()->clone(), status);
  calendar.setLenient(false);
  calendar.clear();
  calendar.set(date.year, date.month - 1, date.day, 12, 0, 0);
  UDate time = calendar.getTime(status);
  if (U_FAILURE(status)) {
    return fail(Errc::invalid_argument,
                fmt::format("{}-{}-{} is not a date", date.year, date.month, date.day));
  }
  return time;
}

}  // namespace

LocaleFormatter::LocaleFormatter(Language language, DigitStyle digits)
    : m_language(language), m_digits(digits) {}

std::string LocaleFormatter::locale_id(CalendarKind calendar) const {
  std::string id(info(m_language).icu_locale);
  std::vector<std::string> keywords;
  // Gregorian asked for by name: Farsi's locale would otherwise give the Persian calendar.
  keywords.push_back(calendar == CalendarKind::hijri_umm_al_qura ? "calendar=islamic-umalqura"
                                                                 : "calendar=gregorian");
  // Western digits everywhere, or each locale's own as ICU has them (Arabic's Arabic-Indic kept
  // explicit: some ICU versions default Arabic to Western digits).
  if (m_digits == DigitStyle::western) {
    keywords.push_back("numbers=latn");
  } else if (m_language == Language::ar) {
    keywords.push_back("numbers=arab");
  }
  return id + "@" + fmt::format("{}", fmt::join(keywords, ";"));
}

std::string LocaleFormatter::integer(std::int64_t value, bool grouped) const {
  UErrorCode status = U_ZERO_ERROR;
  auto formatter = icu::number::NumberFormatter::withLocale(
                       icu::Locale(locale_id(CalendarKind::gregorian).c_str()))
                       .grouping(grouped ? UNUM_GROUPING_AUTO : UNUM_GROUPING_OFF);
  auto formatted = formatter.formatInt(value, status);
  if (U_FAILURE(status)) return std::to_string(value);
  return to_utf8(formatted.toString(status));
}

Expected<std::string> LocaleFormatter::money(const Money& amount) const {
  auto exponent = currency_exponent(amount.currency);
  auto decimal = to_decimal_string(amount);
  if (!exponent || !decimal)
    return fail(Errc::invalid_argument, fmt::format("unknown currency '{}'", amount.currency));
  UErrorCode status = U_ZERO_ERROR;
  char16_t code[4] = {static_cast<char16_t>(amount.currency[0]),
                      static_cast<char16_t>(amount.currency[1]),
                      static_cast<char16_t>(amount.currency[2]), 0};
  icu::CurrencyUnit unit(code, status);
  if (U_FAILURE(status)) return icu_error("currency", status);
  auto formatter = icu::number::NumberFormatter::withLocale(
                       icu::Locale(locale_id(CalendarKind::gregorian).c_str()))
                       .unit(unit)
                       .precision(icu::number::Precision::fixedFraction(*exponent));
  // The decimal string goes in as text: exact, whatever the amount.
  auto formatted = formatter.formatDecimal(
      icu::StringPiece(decimal->data(), static_cast<std::int32_t>(decimal->size())), status);
  if (U_FAILURE(status)) return icu_error("money format", status);
  return to_utf8(formatted.toString(status));
}

Expected<std::string> LocaleFormatter::date(const CivilDate& date, CalendarKind calendar) const {
  auto time = noon_utc(date);
  if (!time) return std::unexpected(time.error());
  std::unique_ptr<icu::DateFormat> formatter(icu::DateFormat::createDateInstance(
      icu::DateFormat::kLong, icu::Locale(locale_id(calendar).c_str())));
  if (!formatter) return fail(Errc::internal, "ICU has no date format for " + locale_id(calendar));
  formatter->setTimeZone(*icu::TimeZone::getGMT());
  icu::UnicodeString out;
  formatter->format(*time, out);
  return to_utf8(out);
}

std::string LocaleFormatter::month_name(int month) const {
  UErrorCode status = U_ZERO_ERROR;
  icu::DateFormatSymbols symbols(icu::Locale(locale_id(CalendarKind::gregorian).c_str()), status);
  std::int32_t count = 0;
  const icu::UnicodeString* names = symbols.getMonths(count);
  if (U_FAILURE(status) || month < 1 || month > count) return std::to_string(month);
  return to_utf8(names[month - 1]);
}

Expected<CivilDate> LocaleFormatter::to_hijri(const CivilDate& gregorian) {
  auto time = noon_utc(gregorian);
  if (!time) return std::unexpected(time.error());
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> hijri(icu::Calendar::createInstance(
      icu::TimeZone::getGMT()->clone(), icu::Locale("@calendar=islamic-umalqura"), status));
  if (U_FAILURE(status)) return icu_error("Umm al-Qura calendar", status);
  hijri->setTime(*time, status);
  CivilDate out{hijri->get(UCAL_YEAR, status), hijri->get(UCAL_MONTH, status) + 1,
                hijri->get(UCAL_DATE, status)};
  if (U_FAILURE(status)) return icu_error("Umm al-Qura calendar", status);
  return out;
}

Expected<std::string> LocaleFormatter::message(
    std::string_view pattern,
    const std::vector<std::pair<std::string, MessageArgument>>& arguments) const {
  UErrorCode status = U_ZERO_ERROR;
  icu::MessageFormat format(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                pattern.data(), static_cast<std::int32_t>(pattern.size()))),
                            icu::Locale(locale_id(CalendarKind::gregorian).c_str()), status);
  if (U_FAILURE(status))
    return fail(Errc::parse, fmt::format("message pattern: {}", u_errorName(status)));
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  for (const auto& [name, value] : arguments) {
    names.push_back(icu::UnicodeString::fromUTF8(name));
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      values.emplace_back(static_cast<int64_t>(*number));
    } else {
      values.emplace_back(icu::UnicodeString::fromUTF8(std::get<std::string>(value)));
    }
  }
  icu::UnicodeString out;
  format.format(names.data(), values.data(), static_cast<std::int32_t>(names.size()), out, status);
  if (U_FAILURE(status))
    return fail(Errc::invalid_argument, fmt::format("message format: {}", u_errorName(status)));
  return to_utf8(out);
}

}  // namespace shubbak
