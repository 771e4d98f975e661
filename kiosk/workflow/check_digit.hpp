// Check digits of identity numbers. `luhn`: ISO/IEC 7812 (the last digit makes the weighted sum
// a multiple of 10). `mod11`: weights 2, 3, 4, ... from the right, excluding the check digit;
// check = (11 - sum % 11) % 11, and 10 is invalid.
#pragma once

#include <string_view>

namespace shubbak::workflow {

bool luhn_valid(std::string_view digits);
bool mod11_valid(std::string_view digits);
bool check_digit_valid(std::string_view digits, std::string_view scheme);

}  // namespace shubbak::workflow
