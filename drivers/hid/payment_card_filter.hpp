// Recognises input shaped like a payment card, so the kiosk drops it before it is stored or
// logged. It judges the text as a citizen could have typed it:
// - 13 to 19 digits that pass the Luhn check, written in groups separated by anything that is
//   neither a letter nor a digit (spaces, dots, dashes, slashes, commas, tabs, line breaks,
//   Arabic punctuation), at most 3 such characters between two groups; digits may be ASCII,
//   Arabic-Indic, Eastern Arabic-Indic or full-width;
// - magnetic-stripe track data: framed (% ... ? or ; ... ?), a start sentinel followed by a
//   PAN-length run of digits (a fragment whose end is still to come), or 12 or more digits
//   followed by a field separator (= or ^), sentinels or not.
#pragma once

#include <string_view>

#include "kiosk/core/luhn.hpp"  // passes_luhn

namespace shubbak {

bool looks_like_payment_card(std::string_view text);

}  // namespace shubbak
