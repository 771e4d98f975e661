#include "drivers/hid/payment_card_filter.hpp"

#include <array>
#include <vector>

#include "kiosk/core/bytes.hpp"

namespace shubbak {

namespace {

enum class Kind { digit, letter, separator };

struct Symbol {
  Kind kind;
  char digit;         // '0'..'9' when kind is digit
  std::size_t bytes;  // how many bytes of UTF-8 it took
};

// One code point of (possibly broken) UTF-8. Anything not known to be a digit or a separator
// is a letter: letters end a card number, so unknown scripts never glue digits together.
Symbol next_symbol(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(text[at + i]));
  };
  char32_t c = byte(0);
  if (c < 0x80) {
    if (c >= U'0' && c <= U'9') return {Kind::digit, static_cast<char>(c), 1};
    bool alnum = (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z');
    return {alnum ? Kind::letter : Kind::separator, 0, 1};
  }
  std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (at + length > text.size()) return {Kind::letter, 0, 1};
  char32_t cp = 0;
  if (length == 2) cp = ((c & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
  if (length == 3) cp = ((c & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
  if (length == 4) return {Kind::letter, 0, length};
  auto digit_from = [&](char32_t zero) {
    return Symbol{Kind::digit, static_cast<char>('0' + (cp - zero)), length};
  };
  if (cp >= 0x0660 && cp <= 0x0669) return digit_from(0x0660);  // Arabic-Indic
  if (cp >= 0x06F0 && cp <= 0x06F9) return digit_from(0x06F0);  // Eastern Arabic-Indic
  if (cp >= 0xFF10 && cp <= 0xFF19) return digit_from(0xFF10);  // full-width
  bool separator = cp == 0x00A0 || cp == 0x060C || cp == 0x061B || cp == 0x066B || cp == 0x066C ||
                   cp == 0x06D4 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 ||
                   (cp >= 0xFF01 && cp <= 0xFF0F);
  return {separator ? Kind::separator : Kind::letter, 0, length};
}

// A run of digits and what separates it from the run before.
struct Group {
  std::size_t begin;        // byte offset of its first digit
  std::size_t end;          // byte offset after its last digit
  std::size_t digits;       // how many digits
  bool joined_to_previous;  // at most k_max_gap separators, no letter, since the last group
  char before;              // the ASCII character right before it, or 0
  char after;               // the ASCII character right after it, or 0
};

constexpr std::size_t k_max_gap = 3;
constexpr std::size_t k_min_pan = 13;
constexpr std::size_t k_max_pan = 19;

// Digits of the groups [first, last] into `into` (ASCII); false when more than k_max_pan.
bool collect(std::string_view text, const std::vector<Group>& groups, std::size_t first,
             std::size_t last, std::array<char, k_max_pan>& into, std::size_t& length) {
  length = 0;
  for (std::size_t g = first; g <= last; ++g) {
    for (std::size_t at = groups[g].begin; at < groups[g].end;) {
      Symbol s = next_symbol(text, at);
      at += s.bytes;
      if (s.kind != Kind::digit) continue;
      if (length == into.size()) return false;
      into[length++] = s.digit;
    }
  }
  return true;
}

bool track_framing(std::string_view text) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == '\n'))
    trimmed.remove_suffix(1);
  return trimmed.size() >= 3 && (trimmed.front() == '%' || trimmed.front() == ';') &&
         trimmed.back() == '?';
}

}  // namespace

bool looks_like_payment_card(std::string_view text) {
  if (track_framing(text)) return true;
  // Group boundaries only (offsets and counts, never digits) live on the heap.
  std::vector<Group> groups;
  std::size_t gap = 0;
  bool letter_in_gap = false;
  for (std::size_t at = 0; at < text.size();) {
    Symbol s = next_symbol(text, at);
    if (s.kind == Kind::digit) {
      bool continues = !groups.empty() && groups.back().end == at;
      if (continues) {
        groups.back().end = at + s.bytes;
        ++groups.back().digits;
      } else {
        char before = at > 0 ? text[at - 1] : 0;
        groups.push_back(Group{at, at + s.bytes, 1,
                               !groups.empty() && !letter_in_gap && gap <= k_max_gap, before, 0});
      }
      gap = 0;
      letter_in_gap = false;
    } else {
      if (gap == 0 && !groups.empty() && groups.back().end == at) groups.back().after = text[at];
      ++gap;
      letter_in_gap = letter_in_gap || s.kind == Kind::letter;
    }
    at += s.bytes;
  }
  std::array<char, k_max_pan> digits{};
  bool found = false;
  for (std::size_t first = 0; first < groups.size() && !found; ++first) {
    // Track data, sentinels or not: a start sentinel before a PAN-length run, or 12 or more
    // digits right before a field separator.
    const Group& g = groups[first];
    bool sentinel = g.before == ';' || ((g.before == 'B' || g.before == 'b') && g.begin >= 2 &&
                                        text[g.begin - 2] == '%');
    if (g.digits >= 12 && (sentinel || g.after == '=' || g.after == '^')) found = true;
    // Groups joined by short separators, every span from this group on of PAN length.
    std::size_t total = 0;
    for (std::size_t last = first; last < groups.size() && !found; ++last) {
      if (last > first && !groups[last].joined_to_previous) break;
      total += groups[last].digits;
      if (total > k_max_pan) break;
      if (total < k_min_pan) continue;
      std::size_t length = 0;
      if (collect(text, groups, first, last, digits, length) &&
          passes_luhn(std::string_view(digits.data(), length)))
        found = true;
    }
  }
  secure_wipe(digits.data(), digits.size());
  return found;
}

}  // namespace shubbak
