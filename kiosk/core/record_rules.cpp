#include "kiosk/core/record_rules.hpp"

#include <string>

#include "kiosk/core/luhn.hpp"

namespace shubbak {

bool looks_like_card_number(std::string_view text) {
  // Every maximal run of digits, allowing single spaces or dashes between groups, is checked as
  // a whole: "4111 1111 1111 1111" is one 16-digit candidate.
  std::string digits;
  auto run_is_card = [&] {
    return digits.size() >= 13 && digits.size() <= 19 && passes_luhn(digits);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool digit = c >= '0' && c <= '9';
    bool separator = (c == ' ' || c == '-') && !digits.empty() && i + 1 < text.size() &&
                     text[i + 1] >= '0' && text[i + 1] <= '9';
    if (digit) {
      digits.push_back(c);
    } else if (!separator) {
      if (run_is_card()) return true;
      digits.clear();
    }
  }
  return run_is_card();
}

}  // namespace shubbak
