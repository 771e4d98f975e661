#include "kiosk/workflow/placeholders.hpp"

#include <fmt/format.h>

namespace shubbak::workflow {

namespace {

bool name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z');
}
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

// The placeholder name starting at text[at] == '{', or empty when there is none.
std::string_view name_at(std::string_view text, std::size_t at) {
  std::size_t end = at + 1;
  if (end >= text.size() || !name_start(text[end])) return {};
  while (end < text.size() && name_char(text[end])) ++end;
  if (end >= text.size() || text[end] != '}') return {};
  return text.substr(at + 1, end - at - 1);
}

}  // namespace

Expected<std::vector<std::string>> placeholder_names(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t at = 0; at < text.size(); ++at) {
    char c = text[at];
    if ((c == '{' || c == '}') && at + 1 < text.size() && text[at + 1] == c) {
      ++at;
      continue;
    }
    if (c == '}') {
      return fail(
          Errc::invalid_argument,
          fmt::format("a '}}' at byte {} closes no placeholder: write }}}} for a brace", at));
    }
    if (c != '{') continue;
    auto name = name_at(text, at);
    if (name.empty()) {
      return fail(
          Errc::invalid_argument,
          fmt::format("a '{{' at byte {} opens no placeholder: write {{{{ for a brace", at));
    }
    names.emplace_back(name);
    at += name.size() + 1;
  }
  return names;
}

std::string fill_placeholders(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view)>& lookup,
    std::size_t max_bytes) {
  std::string out;
  for (std::size_t at = 0; at < text.size() && out.size() < max_bytes; ++at) {
    char c = text[at];
    if ((c == '{' || c == '}') && at + 1 < text.size() && text[at + 1] == c) {
      out += c;
      ++at;
      continue;
    }
    auto name = c == '{' ? name_at(text, at) : std::string_view{};
    if (name.empty()) {
      out += c;
      continue;
    }
    if (auto value = lookup(name)) out += *value;
    at += name.size() + 1;
  }
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

}  // namespace shubbak::workflow
