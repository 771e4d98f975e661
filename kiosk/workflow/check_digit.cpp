#include "kiosk/workflow/check_digit.hpp"

namespace shubbak::workflow {

namespace {
bool all_digits(std::string_view s) {
  if (s.size() < 2) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

bool luhn_valid(std::string_view digits) {
  if (!all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool mod11_valid(std::string_view digits) {
  if (!all_digits(digits)) return false;
  int sum = 0, weight = 2;
  for (auto it = digits.rbegin() + 1; it != digits.rend(); ++it) sum += (*it - '0') * weight++;
  int check = (11 - sum % 11) % 11;
  return check != 10 && check == digits.back() - '0';
}

bool check_digit_valid(std::string_view digits, std::string_view scheme) {
  if (scheme == "luhn") return luhn_valid(digits);
  if (scheme == "mod11") return mod11_valid(digits);
  return false;
}

}  // namespace shubbak::workflow
