#include "drivers/hid/payment_card_filter.hpp"

#include <array>

#include "kiosk/core/bytes.hpp"

namespace shubbak {

namespace {
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

bool looks_like_payment_card(std::string_view text) {
  // Track framing: a swipe starts with a start sentinel and ends with the end sentinel.
  std::string_view trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == '\n'))
    trimmed.remove_suffix(1);
  if (trimmed.size() >= 3 && (trimmed.front() == '%' || trimmed.front() == ';') &&
      trimmed.back() == '?') {
    return true;
  }
  // Digit runs, allowing one space or dash between groups ("4111 1111 1111 1111"). The digits
  // are checked in a fixed stack array that is cleared afterwards, never in a growing string.
  // Runs longer than 19 digits are not card numbers (checking every window of a long number
  // would flag one barcode in ten).
  std::array<char, 19> run{};
  std::size_t length = 0;
  bool found = false;
  auto end_run = [&](char next) {
    bool pan_sized = length >= 13 && length <= 19;
    if (pan_sized && passes_luhn(std::string_view(run.data(), length))) found = true;
    // Digits followed by a track field separator, Luhn or not.
    if (length >= 12 && (next == '=' || next == '^')) found = true;
    length = 0;
  };
  for (std::size_t i = 0; i < text.size() && !found; ++i) {
    char c = text[i];
    if (is_digit(c)) {
      if (length < run.size()) run[length] = c;
      ++length;
      continue;
    }
    bool separator =
        (c == ' ' || c == '-') && length > 0 && i + 1 < text.size() && is_digit(text[i + 1]);
    if (!separator) end_run(c);
  }
  if (!found) end_run('\0');
  secure_wipe(run.data(), run.size());
  return found;
}

}  // namespace shubbak
