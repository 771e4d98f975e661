// What a receipt may show of the card a payment terminal took: its last four digits, masked
// ("**** 1234"). The terminal is asked for no more than a masked card, but a receipt keeps at
// most the last four digits of whatever it answered, so a terminal that returned more (a whole
// number, a track) cannot put it on paper. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace shubbak {

// "**** " and the last four ASCII digits of `from_terminal`; empty when it has fewer than four.
inline std::string masked_card_for_receipt(std::string_view from_terminal) {
  std::string last;
  for (auto it = from_terminal.rbegin(); it != from_terminal.rend() && last.size() < 4; ++it) {
    if (*it >= '0' && *it <= '9') last.insert(last.begin(), *it);
  }
  if (last.size() < 4) return {};
  return "**** " + last;
}

}  // namespace shubbak
