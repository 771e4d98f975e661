// Plain string scanning for tests that read a program's output: what follows a marker, every
// occurrence of it, a replacement. Linear and bounded, in place of std::regex (which recurses
// per character; Shubbak has none).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shubbak::testing {

// The longest non-empty run of `allowed` characters right after the first `marker` in `text`
// from `from`; nullopt when there is none. `end` (if given) receives where the run stops.
inline std::optional<std::string> text_after(std::string_view text, std::string_view marker,
                                             std::string_view allowed, std::size_t from = 0,
                                             std::size_t* end = nullptr) {
  for (auto at = text.find(marker, from); at != std::string_view::npos;
       at = text.find(marker, at + 1)) {
    std::size_t start = at + marker.size();
    std::size_t stop = text.find_first_not_of(allowed, start);
    if (stop == std::string_view::npos) stop = text.size();
    if (stop > start) {
      if (end) *end = stop;
      return std::string(text.substr(start, stop - start));
    }
  }
  return std::nullopt;
}

// Every such run, in order.
inline std::vector<std::string> all_after(std::string_view text, std::string_view marker,
                                          std::string_view allowed) {
  std::vector<std::string> out;
  std::size_t from = 0, end = 0;
  while (auto found = text_after(text, marker, allowed, from, &end)) {
    out.push_back(*found);
    from = end;
  }
  return out;
}

inline std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// `text` without every line that starts with `prefix` (the line break before it goes too).
inline std::string without_lines(std::string text, std::string_view prefix) {
  std::string marker = "\n" + std::string(prefix);
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at)) {
    auto stop = text.find('\n', at + 1);
    text.erase(at, stop == std::string::npos ? std::string::npos : stop - at);
  }
  return text;
}

inline constexpr std::string_view k_digits = "0123456789";
inline constexpr std::string_view k_hex_and_dash = "0123456789abcdef-";
inline constexpr std::string_view k_base64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

}  // namespace shubbak::testing
