// Money: an integer count of the currency's minor units plus its ISO 4217 code. Never a float.
// Omani rial, Jordanian dinar, Kuwaiti dinar and Bahraini dinar have three decimals (1 OMR =
// 1000 baisa), most others two.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct Money {
  std::int64_t minor_units = 0;
  std::string currency;  // ISO 4217, e.g. "OMR"
  friend bool operator==(const Money&, const Money&) = default;
};

// ISO 4217 minor-unit digits of the currencies Shubbak knows; nullopt for any other code.
std::optional<int> currency_exponent(std::string_view code);

// Refuses unknown currencies and negative amounts (refunds are their own record kind).
Expected<Money> make_money(std::int64_t minor_units, std::string_view currency);

// "No payment": what a free service's transaction records as its amount, zero minor units and
// an empty currency code. It is the only amount without a currency; "0 OMR" is a payment of
// nothing in rials, not "no payment". Kiosk (store, receipt seal) and portal read it the same.
inline bool is_no_payment(const Money& amount) {
  return amount.minor_units == 0 && amount.currency.empty();
}

// An amount a transaction may record: no payment, or what make_money() accepts.
Expected<void> check_recorded_amount(const Money& amount);

// "1.250 OMR", with exactly the currency's decimals (logs, records; screens use ICU's form).
std::string format_money(const Money& money);

// "1.250" for 1250 OMR minor units; "-0.05" for -5 USD minor units. Exact: no floating point.
// nullopt for an unknown currency.
std::optional<std::string> to_decimal_string(const Money& money);

}  // namespace shubbak
