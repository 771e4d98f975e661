// Check-digit algorithms for identity and account numbers (the last digit checks the others).
#pragma once

#include <string_view>

namespace shubbak::workflow {

// Luhn (ISO/IEC 7812-1): from the rightmost digit (the check digit) leftwards, double every
// second digit, subtracting 9 from a doubled value over 9; valid when the sum is a multiple
// of 10. At least 2 digits, digits only.
bool luhn_valid(std::string_view digits);

// Modulus 11: the digits before the check digit are weighted 2, 3, 4, 5, 6, 7, 2, 3, ... from
// the right; the check digit is 11 - (sum mod 11), where 11 gives 0 and 10 means no number
// with that payload is valid. At least 2 digits, digits only.
bool mod11_valid(std::string_view digits);

}  // namespace shubbak::workflow
