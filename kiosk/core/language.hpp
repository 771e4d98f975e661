// The languages every citizen-facing text exists in. Arabic first: it is the default.
#pragma once

#include <optional>
#include <string_view>

namespace shubbak {

enum class Language { ar, en };

inline constexpr Language k_languages[] = {Language::ar, Language::en};

constexpr std::string_view to_string(Language language) {
  return language == Language::ar ? "ar" : "en";
}

constexpr std::optional<Language> parse_language(std::string_view code) {
  if (code == "ar") return Language::ar;
  if (code == "en") return Language::en;
  return std::nullopt;
}

constexpr bool is_right_to_left(Language language) {
  return language == Language::ar;
}

constexpr Language other_language(Language language) {
  return language == Language::ar ? Language::en : Language::ar;
}

}  // namespace shubbak
