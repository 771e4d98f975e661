// Recognises input shaped like a payment card, so the kiosk drops it before it is stored or
// logged: a run of 13 to 19 digits (spaces or dashes allowed between groups) that passes the
// Luhn check, or magnetic-stripe track framing (% ... ? or ; ... ?, or digits then = or ^).
#pragma once

#include <string_view>

#include "kiosk/core/luhn.hpp"  // passes_luhn

namespace shubbak {

bool looks_like_payment_card(std::string_view text);

}  // namespace shubbak
