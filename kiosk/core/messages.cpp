#include "kiosk/core/messages.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace shubbak {

namespace {

struct Collector {
  std::string_view source;
  std::vector<std::string> problems;
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> found;

  void walk(const toml::table& table, const std::string& prefix) {
    bool has_text = table.contains("ar") || table.contains("en");
    if (has_text) {
      take_message(table, prefix);
      return;
    }
    for (auto&& [key, node] : table) {
      std::string path =
          prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (const toml::table* child = node.as_table()) {
        walk(*child, path);
      } else {
        problems.push_back(fmt::format("{}:{}: {}: expected a table {{ ar = \"…\", en = \"…\" }}",
                                       source, key.source().begin.line, path));
      }
    }
  }

  void take_message(const toml::table& table, const std::string& key) {
    auto ar = table["ar"].value_exact<std::string>();
    auto en = table["en"].value_exact<std::string>();
    int line = static_cast<int>(table.source().begin.line);
    if (!ar || ar->empty())
      problems.push_back(fmt::format("{}:{}: {}: no Arabic text", source, line, key));
    if (!en || en->empty())
      problems.push_back(fmt::format("{}:{}: {}: no English text", source, line, key));
    for (auto&& [name, _] : table) {
      if (name != "ar" && name != "en") {
        problems.push_back(
            fmt::format("{}:{}: {}: unknown language '{}'", source, line, key, name.str()));
      }
    }
    if (ar && en) found.push_back({key, {*ar, *en}});
  }
};

}  // namespace

Expected<Messages> Messages::parse(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse,
                fmt::format("{}:{}: {}", source_name, e.source().begin.line, e.description()));
  }
  Collector collector{source_name, {}, {}};
  collector.walk(root, "");
  if (!collector.problems.empty()) {
    return fail(Errc::parse, fmt::format("{}", fmt::join(collector.problems, "\n")));
  }
  Messages messages;
  for (auto& [key, texts] : collector.found) {
    messages.m_texts.emplace(key, Texts{texts.first, texts.second});
  }
  return messages;
}

Expected<Messages> Messages::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail_errno(Errc::not_found, fmt::format("cannot read {}", path.string()), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

std::string_view Messages::get(std::string_view key, Language language) const {
  auto it = m_texts.find(key);
  if (it == m_texts.end()) return key;
  return language == Language::ar ? it->second.ar : it->second.en;
}

}  // namespace shubbak

namespace shubbak {

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
