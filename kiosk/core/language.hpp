// The languages a kiosk can offer its citizens: Arabic first (the default), English, and the
// languages of the region's residents. A kiosk offers some of them, in the order its
// configuration gives (`[kiosk] languages`). Any text missing in a language falls back to
// English, then Arabic, the two languages every catalog and bundle holds in full.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace shubbak {

enum class Language : unsigned char { ar, en, ur, hi, bn, ml, ta, fa, tl };

struct LanguageInfo {
  Language language;
  std::string_view code;         // the catalog's and bundles' key, BCP 47
  std::string_view native_name;  // the language's own name, in its own script
  std::string_view icu_locale;   // plural rules, numbers, dates
  bool right_to_left;
};

inline constexpr std::array<LanguageInfo, 9> k_language_info{{
    {Language::ar, "ar", "العربية", "ar", true},
    {Language::en, "en", "English", "en", false},
    {Language::ur, "ur", "اردو", "ur", true},
    {Language::hi, "hi", "हिन्दी", "hi", false},
    {Language::bn, "bn", "বাংলা", "bn", false},
    {Language::ml, "ml", "മലയാളം", "ml", false},
    {Language::ta, "ta", "தமிழ்", "ta", false},
    {Language::fa, "fa", "فارسی", "fa", true},
    // ICU knows Tagalog as Filipino, its standard form.
    {Language::tl, "tl", "Tagalog", "fil", false},
}};

inline constexpr Language k_languages[] = {Language::ar, Language::en, Language::ur,
                                           Language::hi, Language::bn, Language::ml,
                                           Language::ta, Language::fa, Language::tl};

constexpr const LanguageInfo& info(Language language) {
  return k_language_info[static_cast<std::size_t>(language)];
}

constexpr std::string_view to_string(Language language) {
  return info(language).code;
}

constexpr std::optional<Language> parse_language(std::string_view code) {
  for (const auto& entry : k_language_info) {
    if (entry.code == code) return entry.language;
  }
  return std::nullopt;
}

constexpr bool is_right_to_left(Language language) {
  return info(language).right_to_left;
}

// Where a text missing in `language` is looked for next: English, then Arabic.
constexpr std::optional<Language> fallback_language(Language language) {
  if (language == Language::ar) return std::nullopt;
  if (language == Language::en) return Language::ar;
  return Language::en;
}

}  // namespace shubbak
