#include <doctest/doctest.h>

#include "screens/text/locale_format.hpp"

using namespace shubbak;

namespace {
// ICU marks direction around Arabic currency amounts; strip the invisible marks to compare text.
std::string visible(std::string s) {
  for (std::string_view mark : {"\u200F", "\u200E", "\u061C", "\u00A0"}) {
    for (auto at = s.find(mark); at != std::string::npos; at = s.find(mark))
      s.replace(at, mark.size(), mark == "\u00A0" ? " " : "");
  }
  return s;
}
}  // namespace

TEST_CASE("money shows exactly the currency's minor units, in Western or Arabic-Indic digits") {
  LocaleFormatter western(Language::ar, DigitStyle::western);
  CHECK(visible(*western.money({1250, "OMR"})) == "1.250 ر.ع.");
  CHECK(visible(*western.money({7500, "JOD"})) == "7.500 د.أ.");
  CHECK(visible(*western.money({123456789, "KWD"})) == "123,456.789 د.ك.");
  CHECK(visible(*western.money({2500, "SAR"})) == "25.00 ر.س.");
  LocaleFormatter eastern(Language::ar, DigitStyle::native);
  CHECK(visible(*eastern.money({1250, "OMR"})) == "١٫٢٥٠ ر.ع.");
  LocaleFormatter english(Language::en, DigitStyle::native);  // digits apply to Arabic only
  CHECK(visible(*english.money({1250, "BHD"})) == "BHD 1.250");
  auto unknown = english.money({1, "XYZ"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "unknown currency 'XYZ'");
}

TEST_CASE("Umm al-Qura dates: known first days of Hijri months") {
  CHECK(LocaleFormatter::to_hijri({2024, 7, 7}) == CivilDate{1446, 1, 1});   // 1 Muharram 1446
  CHECK(LocaleFormatter::to_hijri({2024, 3, 11}) == CivilDate{1445, 9, 1});  // 1 Ramadan 1445
  LocaleFormatter ar(Language::ar, DigitStyle::western);
  CHECK(*ar.date({2024, 7, 7}, CalendarKind::hijri_umm_al_qura) == "1 محرم 1446 هـ");
  CHECK(*ar.date({2024, 7, 7}, CalendarKind::gregorian) == "7 يوليو 2024");
  LocaleFormatter en(Language::en, DigitStyle::western);
  CHECK(*en.date({2024, 7, 7}, CalendarKind::hijri_umm_al_qura) == "Muharram 1, 1446 AH");
  LocaleFormatter eastern(Language::ar, DigitStyle::native);
  CHECK(*eastern.date({2024, 7, 7}, CalendarKind::gregorian) == "٧ يوليو ٢٠٢٤");
  CHECK_FALSE(ar.date({2024, 2, 30}, CalendarKind::gregorian).has_value());
  CHECK_FALSE(ar.date({2024, 13, 1}, CalendarKind::gregorian).has_value());
}

TEST_CASE("Arabic messages take all six plural forms") {
  LocaleFormatter ar(Language::ar, DigitStyle::western);
  const char* pattern =
      "{n, plural, zero {لا ثوانٍ} one {ثانية واحدة} two {ثانيتان} few {# ثوانٍ} many {# ثانية} "
      "other {# ثانية.}}";
  auto say = [&](std::int64_t n) { return *ar.message(pattern, {{"n", n}}); };
  CHECK(say(0) == "لا ثوانٍ");
  CHECK(say(1) == "ثانية واحدة");
  CHECK(say(2) == "ثانيتان");
  CHECK(say(3) == "3 ثوانٍ");
  CHECK(say(10) == "10 ثوانٍ");
  CHECK(say(11) == "11 ثانية");
  CHECK(say(100) == "100 ثانية.");
  LocaleFormatter en(Language::en, DigitStyle::western);
  CHECK(*en.message("{n, plural, one {# item} other {# items}}", {{"n", std::int64_t{1}}}) ==
        "1 item");
  CHECK_FALSE(en.message("{n, plural, one {unclosed", {{"n", std::int64_t{1}}}).has_value());
}

TEST_CASE("integers, years and month names") {
  LocaleFormatter ar(Language::ar, DigitStyle::native);
  CHECK(ar.integer(2018, false) == "٢٠١٨");
  CHECK(ar.month_name(11) == "نوفمبر");
  LocaleFormatter en(Language::en, DigitStyle::western);
  CHECK(en.integer(12345) == "12,345");
  CHECK(en.integer(2026, false) == "2026");
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2100, 2) == 28);
}

TEST_CASE("each language's numbers, money and Gregorian dates, Western or its own digits") {
  CivilDate day{2026, 12, 6};
  CHECK(LocaleFormatter(Language::fa, DigitStyle::western).date(day, CalendarKind::gregorian) ==
        "6 دسامبر 2026");
  CHECK(LocaleFormatter(Language::fa, DigitStyle::native).integer(123) == "۱۲۳");
  CHECK(LocaleFormatter(Language::bn, DigitStyle::native).integer(123) == "১২৩");
  CHECK(LocaleFormatter(Language::hi, DigitStyle::western).date(day, CalendarKind::gregorian) ==
        "6 दिसंबर 2026");
  CHECK(LocaleFormatter(Language::ur, DigitStyle::native).integer(1234567) == "1,234,567");
  CHECK(LocaleFormatter(Language::hi, DigitStyle::western).integer(1234567) == "12,34,567");
  // Exactly the currency's three minor units (ICU puts a no-break space after the code).
  CHECK(*LocaleFormatter(Language::tl, DigitStyle::western).money({1250, "OMR"}) ==
        "OMR\u00A01.250");
  // Plural forms by each language's rules: one and other.
  auto minutes = [](Language language, std::int64_t n) {
    return *LocaleFormatter(language, DigitStyle::western)
                .message("{n, plural, one {one} other {other}}", {{"n", n}});
  };
  CHECK(minutes(Language::hi, 1) == "one");
  CHECK(minutes(Language::hi, 0) == "one");  // Hindi's "one" is 0 and 1
  CHECK(minutes(Language::ur, 0) == "other");
  CHECK(minutes(Language::tl, 3) == "one");  // Filipino's "one" takes 1, 2, 3, 5, 7, 8...
  CHECK(minutes(Language::tl, 4) == "other");
}
