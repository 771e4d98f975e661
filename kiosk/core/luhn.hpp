// The Luhn check (ISO/IEC 7812-1): from the rightmost digit leftwards, every second digit is
// doubled (minus 9 above 9); the number passes when the sum is a multiple of 10. One
// implementation for every place that asks: the scanner's payment-card filter, the store's
// refusal of card numbers, and the check digits of identity numbers in service bundles.
#pragma once

#include <string_view>

namespace shubbak {

// False for an empty string or any character that is not 0-9.
constexpr bool passes_luhn(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool doubled = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

}  // namespace shubbak
