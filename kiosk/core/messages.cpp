#include "kiosk/core/messages.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace shubbak {

namespace {

constexpr std::size_t index_of(Language language) {
  return static_cast<std::size_t>(language);
}

Expected<toml::table> parse_toml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse,
                fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
}

Expected<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail_errno(Errc::not_found, fmt::format("cannot read {}", path.string()), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Walks a catalog's tables: a table holding `language_key` (or any language code) is a message,
// any other table a level of the dotted path.
struct Collector {
  std::string_view source;
  std::vector<std::string> problems;
  std::vector<std::pair<std::string, const toml::table*>> found;

  void walk(const toml::table& table, const std::string& prefix) {
    bool is_message = std::any_of(k_language_info.begin(), k_language_info.end(),
                                  [&](const auto& l) { return table.contains(l.code); });
    if (is_message) {
      found.push_back({prefix, &table});
      return;
    }
    for (auto&& [key, node] : table) {
      std::string path =
          prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (prefix.empty() && key.str() == "catalog") continue;
      if (const toml::table* child = node.as_table()) {
        walk(*child, path);
      } else {
        problems.push_back(fmt::format("{}:{}: {}: expected a table of texts by language", source,
                                       key.source().begin.line, path));
      }
    }
  }

  std::string where(const toml::table& table, std::string_view key) const {
    return fmt::format("{}:{}: {}", source, table.source().begin.line, key);
  }
};

}  // namespace

std::vector<std::string> placeholder_names(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t at = text.find('{'); at != std::string_view::npos; at = text.find('{', at + 1)) {
    std::size_t end = at + 1;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
      ++end;
    }
    if (end == at + 1 || end >= text.size()) continue;
    if (text[end] == '}' || text[end] == ',') names.emplace_back(text.substr(at + 1, end - at - 1));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Expected<Messages> Messages::parse(std::string_view toml_text, std::string_view source_name) {
  auto root = parse_toml(toml_text, source_name);
  if (!root) return std::unexpected(root.error());
  Collector collector{source_name, {}, {}};
  collector.walk(*root, "");
  Messages messages;
  for (const auto& [key, table] : collector.found) {
    auto ar = (*table)["ar"].value_exact<std::string>();
    auto en = (*table)["en"].value_exact<std::string>();
    if (!ar || ar->empty())
      collector.problems.push_back(collector.where(*table, key) + ": no Arabic text");
    if (!en || en->empty())
      collector.problems.push_back(collector.where(*table, key) + ": no English text");
    for (auto&& [name, _] : *table) {
      if (name != "ar" && name != "en") {
        collector.problems.push_back(fmt::format("{}: language '{}' belongs in messages.{}.toml",
                                                 collector.where(*table, key), name.str(),
                                                 name.str()));
      }
    }
    if (ar && en) {
      Texts texts;
      texts[index_of(Language::ar)] = *ar;
      texts[index_of(Language::en)] = *en;
      messages.m_texts.emplace(key, std::move(texts));
    }
  }
  if (!collector.problems.empty()) {
    return fail(Errc::parse, fmt::format("{}", fmt::join(collector.problems, "\n")));
  }
  return messages;
}

Expected<void> Messages::add_translation(std::string_view toml_text, std::string_view source_name) {
  auto root = parse_toml(toml_text, source_name);
  if (!root) return std::unexpected(root.error());
  auto code = (*root)["catalog"]["language"].value_exact<std::string>();
  auto reviewed = (*root)["catalog"]["reviewed"].value_exact<bool>();
  if (!code || !reviewed) {
    return fail(Errc::parse,
                fmt::format("{}: needs [catalog] language = \"<code>\" and reviewed = true/false",
                            source_name));
  }
  auto language = parse_language(*code);
  if (!language || *language == Language::ar || *language == Language::en) {
    return fail(Errc::parse, fmt::format("{}: '{}' is not a language a catalog file may hold",
                                         source_name, *code));
  }
  Collector collector{source_name, {}, {}};
  collector.walk(*root, "");
  std::vector<std::pair<std::string, std::string>> accepted;
  for (const auto& [key, table] : collector.found) {
    auto text = (*table)[*code].value_exact<std::string>();
    auto english = m_texts.find(key);
    if (table->size() != 1 || !text) {
      collector.problems.push_back(collector.where(*table, key) +
                                   fmt::format(": holds texts other than '{}'", *code));
    } else if (english == m_texts.end()) {
      collector.problems.push_back(collector.where(*table, key) +
                                   ": not a message of the main catalog");
    } else if (text->empty()) {
      collector.problems.push_back(collector.where(*table, key) + ": empty text");
    } else if (placeholder_names(*text) !=
               placeholder_names(english->second[index_of(Language::en)])) {
      collector.problems.push_back(collector.where(*table, key) +
                                   ": its {placeholders} differ from the English text's");
    } else {
      accepted.emplace_back(key, *text);
    }
  }
  if (!collector.problems.empty()) {
    return fail(Errc::parse, fmt::format("{}", fmt::join(collector.problems, "\n")));
  }
  for (auto& [key, text] : accepted)
    m_texts.find(key)->second[index_of(*language)] = std::move(text);
  m_loaded[index_of(*language)] = true;
  m_reviewed[index_of(*language)] = *reviewed;
  return {};
}

Expected<Messages> Messages::load(const std::filesystem::path& path,
                                  std::span<const Language> languages) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  auto messages = parse(*text, path.string());
  if (!messages) return messages;
  for (Language language : languages) {
    if (language == Language::ar || language == Language::en) continue;
    auto file = path.parent_path() / fmt::format("messages.{}.toml", to_string(language));
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;
    auto translation = read_file(file);
    if (!translation) return std::unexpected(translation.error());
    if (auto ok = messages->add_translation(*translation, file.string()); !ok)
      return std::unexpected(ok.error());
  }
  return messages;
}

std::string_view Messages::get(std::string_view key, Language language) const {
  auto it = m_texts.find(key);
  if (it == m_texts.end()) return key;
  for (std::optional<Language> l = language; l; l = fallback_language(*l)) {
    const std::string& text = it->second[index_of(*l)];
    if (!text.empty()) return text;
  }
  return key;
}

bool Messages::translated(std::string_view key, Language language) const {
  auto it = m_texts.find(key);
  return it != m_texts.end() && !it->second[index_of(language)].empty();
}

std::vector<std::string> Messages::missing(Language language) const {
  std::vector<std::string> keys;
  for (const auto& [key, texts] : m_texts) {
    if (texts[index_of(language)].empty()) keys.push_back(key);
  }
  return keys;
}

bool Messages::loaded(Language language) const {
  return m_loaded[index_of(language)];
}
bool Messages::reviewed(Language language) const {
  return m_loaded[index_of(language)] && m_reviewed[index_of(language)];
}

std::string Messages::format(
    std::string_view key, Language language,
    std::initializer_list<std::pair<std::string_view, std::string_view>> values) const {
  std::string text(get(key, language));
  for (const auto& [name, value] : values) {
    std::string placeholder = fmt::format("{{{}}}", name);
    for (auto at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

}  // namespace shubbak
