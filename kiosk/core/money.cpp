#include "kiosk/core/money.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace shubbak {

std::optional<int> currency_exponent(std::string_view code) {
  // The region's currencies and a few common others, from ISO 4217.
  static constexpr std::array<std::pair<std::string_view, int>, 25> k_exponents{{
      {"OMR", 3}, {"JOD", 3}, {"KWD", 3}, {"BHD", 3}, {"IQD", 3}, {"LYD", 3}, {"TND", 3},
      {"SAR", 2}, {"AED", 2}, {"QAR", 2}, {"EGP", 2}, {"ILS", 2}, {"LBP", 2}, {"SYP", 2},
      {"YER", 2}, {"SDG", 2}, {"MAD", 2}, {"DZD", 2}, {"MRU", 2}, {"USD", 2}, {"EUR", 2},
      {"GBP", 2}, {"DJF", 0}, {"KMF", 0}, {"JPY", 0},
  }};
  for (auto [known, exponent] : k_exponents) {
    if (known == code) return exponent;
  }
  return std::nullopt;
}

std::optional<std::string> to_decimal_string(const Money& money) {
  auto exponent = currency_exponent(money.currency);
  if (!exponent) return std::nullopt;
  bool negative = money.minor_units < 0;
  // Work on the magnitude as unsigned, so INT64_MIN does not overflow.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(money.minor_units)
                                     : static_cast<std::uint64_t>(money.minor_units);
  std::string digits = std::to_string(magnitude);
  auto width = static_cast<std::size_t>(*exponent);
  if (digits.size() <= width) digits = std::string(width + 1 - digits.size(), '0') + digits;
  std::string whole = digits.substr(0, digits.size() - width);
  std::string fraction = digits.substr(digits.size() - width);
  return (negative ? "-" : "") + whole + (width > 0 ? "." + fraction : "");
}

Expected<Money> make_money(std::int64_t minor_units, std::string_view currency) {
  if (!currency_exponent(currency)) {
    return fail(Errc::invalid_argument, fmt::format("unknown ISO 4217 currency \"{}\"", currency));
  }
  if (minor_units < 0) return fail(Errc::invalid_argument, "an amount cannot be negative");
  return Money{minor_units, std::string(currency)};
}

Expected<void> check_recorded_amount(const Money& amount) {
  if (is_no_payment(amount)) return {};
  if (amount.currency.empty())
    return fail(Errc::invalid_argument,
                "an amount without a currency must be zero (no payment: a free service)");
  if (auto money = make_money(amount.minor_units, amount.currency); !money)
    return std::unexpected(money.error());
  return {};
}

std::string format_money(const Money& money) {
  auto decimal = to_decimal_string(money);
  return fmt::format("{} {}", decimal ? *decimal : std::to_string(money.minor_units),
                     money.currency);
}

}  // namespace shubbak
