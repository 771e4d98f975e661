// Money: an integer count of minor units and an ISO 4217 currency code. Never a float.
// OMR, JOD, KWD, BHD (and IQD, LYD, TND) have three decimals: 1.250 OMR is 1250 minor units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct Money {
  std::int64_t minor_units = 0;
  std::string currency;  // ISO 4217 alphabetic code, e.g. "OMR"

  bool operator==(const Money&) const = default;
};

// The number of decimals of an ISO 4217 currency Shubbak knows, or nullopt.
std::optional<int> currency_exponent(std::string_view code);

// Refuses unknown currencies and negative amounts (refunds are their own record kind).
Expected<Money> make_money(std::int64_t minor_units, std::string_view currency);

// "1.250 OMR", with exactly the currency's decimals.
std::string format_money(const Money& money);

}  // namespace shubbak
