#include "kiosk/store/money.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace shubbak {

namespace {
// The currencies of the region and the usual international ones (ISO 4217 minor units).
constexpr std::array<std::pair<std::string_view, int>, 22> k_currencies = {{
    {"AED", 2}, {"BHD", 3}, {"DZD", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"ILS", 2}, {"IQD", 3},
    {"JOD", 3}, {"JPY", 0}, {"KWD", 3}, {"LBP", 2}, {"LYD", 3}, {"MAD", 2}, {"OMR", 3}, {"QAR", 2},
    {"SAR", 2}, {"SDG", 2}, {"SYP", 2}, {"TND", 3}, {"USD", 2}, {"YER", 2},
}};
}  // namespace

std::optional<int> currency_exponent(std::string_view code) {
  for (auto [name, exponent] : k_currencies) {
    if (name == code) return exponent;
  }
  return std::nullopt;
}

Expected<Money> make_money(std::int64_t minor_units, std::string_view currency) {
  if (!currency_exponent(currency)) {
    return fail(Errc::invalid_argument, fmt::format("unknown ISO 4217 currency \"{}\"", currency));
  }
  if (minor_units < 0) return fail(Errc::invalid_argument, "an amount cannot be negative");
  return Money{minor_units, std::string(currency)};
}

std::string format_money(const Money& money) {
  int exponent = currency_exponent(money.currency).value_or(2);
  if (exponent == 0) return fmt::format("{} {}", money.minor_units, money.currency);
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  std::int64_t whole = money.minor_units / scale;
  std::int64_t fraction = money.minor_units % scale;
  if (fraction < 0) fraction = -fraction;
  return fmt::format("{}.{:0{}} {}", whole, fraction, exponent, money.currency);
}

}  // namespace shubbak
