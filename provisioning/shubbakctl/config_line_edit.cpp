#include "provisioning/shubbakctl/config_line_edit.hpp"

#include <optional>
#include <vector>

#include <fmt/format.h>

namespace shubbak::provision {

namespace {

struct Line {
  std::string_view body;    // without the line ending
  std::string_view ending;  // "\n", "\r\n" or "" (the last line of a file without one)
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view whole = newline == std::string_view::npos ? text : text.substr(0, newline + 1);
    text.remove_prefix(whole.size());
    std::size_t ending = whole.ends_with("\r\n") ? 2 : whole.ends_with('\n') ? 1 : 0;
    lines.push_back({whole.substr(0, whole.size() - ending), whole.substr(whole.size() - ending)});
  }
  return lines;
}

std::string_view trim_start(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  return first == std::string_view::npos ? std::string_view{} : s.substr(first);
}

std::string_view trim(std::string_view s) {
  s = trim_start(s);
  auto last = s.find_last_not_of(" \t");
  return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

// The table a header line opens ("technician" for `[technician]  # ...`); nullopt for other lines.
// Array tables (`[[x]]`) are returned with their brackets, so they never equal a plain name.
std::optional<std::string_view> table_header(std::string_view body) {
  std::string_view s = trim_start(body);
  if (!s.starts_with('[')) return std::nullopt;
  if (s.starts_with("[[")) return s;
  auto close = s.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view name = trim(s.substr(1, close - 1));
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') &&
      name.back() == name.front()) {
    name = name.substr(1, name.size() - 2);
  }
  return name;
}

// Whether `body` assigns `key` (bare or quoted), after an optional comment marker when
// `commented` is set.
bool assigns(std::string_view body, std::string_view key, bool commented) {
  std::string_view s = trim_start(body);
  if (commented) {
    if (!s.starts_with('#')) return false;
    s = trim_start(s.substr(1));
  }
  for (std::string_view spelling :
       {std::string(key), fmt::format("\"{}\"", key), fmt::format("'{}'", key)}) {
    if (s.starts_with(spelling) && trim_start(s.substr(spelling.size())).starts_with('='))
      return true;
  }
  return false;
}

// What follows a `key = "value"` line's value (spaces and a comment), to keep it.
std::string_view after_value(std::string_view body) {
  std::string_view value = trim_start(body.substr(body.find('=') + 1));
  if (value.empty() || (value.front() != '"' && value.front() != '\'')) return {};
  for (std::size_t i = 1; i < value.size(); ++i) {
    if (value.front() == '"' && value[i] == '\\') {
      ++i;
    } else if (value[i] == value.front()) {
      std::string_view rest = value.substr(i + 1);
      return trim_start(rest).starts_with('#') ? rest : std::string_view{};
    }
  }
  return {};
}

// Toggles on each `"""` or `'''`, so headers and keys inside multi-line strings are not edited.
bool opens_or_closes_multiline_string(std::string_view body) {
  int delimiters = 0;
  for (std::string_view quotes : {std::string_view("\"\"\""), std::string_view("'''")}) {
    for (auto at = body.find(quotes); at != std::string_view::npos; at = body.find(quotes, at + 3))
      ++delimiters;
  }
  return delimiters % 2 == 1;
}

// Where a table's header, its assignment of a key and its commented example of it are.
struct KeyPlace {
  std::optional<std::size_t> header, existing, example;
};

KeyPlace find_key(const std::vector<Line>& lines, std::string_view table, std::string_view key) {
  KeyPlace place;
  bool in_table = false, in_multiline_string = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view body = lines[i].body;
    if (in_multiline_string) {
      in_multiline_string = !opens_or_closes_multiline_string(body);
      continue;
    }
    if (auto header = table_header(body)) {
      in_table = *header == table;
      if (in_table && !place.header) place.header = i;
    } else if (in_table && !place.existing && assigns(body, key, false)) {
      place.existing = i;
    } else if (in_table && !place.example && assigns(body, key, true)) {
      place.example = i;
    }
    in_multiline_string = opens_or_closes_multiline_string(body);
  }
  return place;
}

}  // namespace

bool has_toml_key(std::string_view config_text, std::string_view table, std::string_view key) {
  return find_key(split_lines(config_text), table, key).existing.has_value();
}

std::string with_pin_hash(std::string_view config_text, std::string_view encoded) {
  return with_toml_key(config_text, "technician", "pin_hash", fmt::format("\"{}\"", encoded));
}

std::string with_toml_key(std::string_view config_text, std::string_view table,
                          std::string_view key, std::string_view literal) {
  const std::string value = fmt::format("{} = {}", key, literal);
  std::vector<Line> lines = split_lines(config_text);
  auto [header, existing, example] = find_key(lines, table, key);

  std::string out;
  out.reserve(config_text.size() + value.size() + 32);
  auto append = [&out](const Line& line) {
    out += line.body;
    out += line.ending;
  };
  std::optional<std::size_t> insert_after = example ? example : header;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (existing && i == *existing) {
      std::string_view body = lines[i].body;
      out += body.substr(0, body.size() - trim_start(body).size());  // indentation
      out += value;
      out += after_value(body);
      out += lines[i].ending;
      continue;
    }
    append(lines[i]);
    if (!existing && insert_after && i == *insert_after) {
      if (lines[i].ending.empty()) out += '\n';
      out += value;
      out += lines[i].ending.empty() ? std::string_view("\n") : lines[i].ending;
    }
  }
  if (!header) {
    if (!out.empty() && !out.ends_with('\n')) out += '\n';
    if (!out.empty()) out += '\n';
    out += fmt::format("[{}]\n", table);
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace shubbak::provision
