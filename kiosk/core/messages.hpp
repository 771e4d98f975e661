// The catalog of citizen-facing texts. assets/i18n/messages.toml holds every message in Arabic
// and in English: a catalog missing either is refused at load, not discovered on screen. Each
// other language has a file of its own beside it, messages.<code>.toml, which may lack messages
// (they fall back to English, then Arabic) and says whether a native speaker has reviewed it.
#pragma once

#include <array>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"
#include "kiosk/core/language.hpp"

namespace shubbak {

class Messages {
 public:
  // The main catalog: TOML where each message is a table { ar = "...", en = "..." }, keyed by
  // its dotted path.
  static Expected<Messages> parse(std::string_view toml_text, std::string_view source_name);
  // One language's catalog: a [catalog] table { language = "ur", reviewed = false } and tables
  // { ur = "..." } for keys of the main catalog, with the same {placeholders} as the English.
  Expected<void> add_translation(std::string_view toml_text, std::string_view source_name);
  // The main catalog at `path` and, beside it, messages.<code>.toml of each of `languages`
  // that has one.
  static Expected<Messages> load(const std::filesystem::path& path,
                                 std::span<const Language> languages = k_languages);

  // The text of `key` in `language`, else English, else Arabic; a missing key yields the key
  // itself, so it shows up in screenshots.
  std::string_view get(std::string_view key, Language language) const;
  // The text of `key` with each "{name}" replaced by its value from `values`.
  std::string format(
      std::string_view key, Language language,
      std::initializer_list<std::pair<std::string_view, std::string_view>> values) const;
  bool contains(std::string_view key) const { return m_texts.contains(std::string(key)); }
  std::size_t size() const { return m_texts.size(); }

  // Whether `language` has its own text of `key` (no fallback).
  bool translated(std::string_view key, Language language) const;
  // The keys `language` lacks, in catalog order.
  std::vector<std::string> missing(Language language) const;
  // Whether `language`'s catalog was loaded and a native speaker has reviewed it (Arabic and
  // English: always).
  bool loaded(Language language) const;
  bool reviewed(Language language) const;

 private:
  using Texts = std::array<std::string, k_language_info.size()>;
  std::map<std::string, Texts, std::less<>> m_texts;
  std::array<bool, k_language_info.size()> m_loaded{true, true};
  std::array<bool, k_language_info.size()> m_reviewed{true, true};
};

// The {placeholder} names of a message (an ICU argument such as "{seconds, plural, ...}" counts
// as "seconds"), sorted, each once.
std::vector<std::string> placeholder_names(std::string_view text);

}  // namespace shubbak
