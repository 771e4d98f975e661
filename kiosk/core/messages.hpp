// The catalog of citizen-facing texts (assets/i18n/messages.toml). Every message must exist in
// Arabic and in English: a catalog missing either is refused at load, not discovered on screen.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/core/language.hpp"

namespace shubbak {

class Messages {
 public:
  // TOML where each message is a table { ar = "...", en = "..." }, keyed by its dotted path.
  static Expected<Messages> parse(std::string_view toml_text, std::string_view source_name);
  static Expected<Messages> load(const std::filesystem::path& path);

  // The text of `key`; a missing key yields the key itself, so it shows up in screenshots.
  std::string_view get(std::string_view key, Language language) const;
  // The text of `key` with each "{name}" replaced by its value from `values`.
  std::string format(
      std::string_view key, Language language,
      std::initializer_list<std::pair<std::string_view, std::string_view>> values) const;
  bool contains(std::string_view key) const { return m_texts.contains(std::string(key)); }
  std::size_t size() const { return m_texts.size(); }

 private:
  struct Texts {
    std::string ar;
    std::string en;
  };
  std::map<std::string, Texts, std::less<>> m_texts;
};

}  // namespace shubbak
