#include "kiosk/workflow/expression/check_digit.hpp"

#include "kiosk/core/luhn.hpp"

#include <algorithm>

namespace shubbak::workflow {
namespace {

bool all_digits(std::string_view text) {
  return text.size() >= 2 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  return all_digits(digits) && passes_luhn(digits);
}

bool mod11_valid(std::string_view digits) {
  if (!all_digits(digits)) return false;
  std::string_view payload = digits.substr(0, digits.size() - 1);
  int sum = 0;
  int weight = 2;
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    sum = (sum + (*it - '0') * weight) % 11;
    weight = weight == 7 ? 2 : weight + 1;
  }
  int check = 11 - sum;
  if (check == 11) check = 0;
  if (check == 10) return false;
  return digits.back() - '0' == check;
}

}  // namespace shubbak::workflow
