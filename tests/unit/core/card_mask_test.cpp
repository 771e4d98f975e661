#include "kiosk/core/card_mask.hpp"

#include <doctest/doctest.h>

using namespace shubbak;

TEST_CASE("a receipt shows at most the last four digits of the card the terminal returned") {
  CHECK(masked_card_for_receipt("**** **** **** 1234") == "**** 1234");
  CHECK(masked_card_for_receipt("XXXXXXXXXXXX4242") == "**** 4242");
  // A terminal that answered too much: still only the last four.
  CHECK(masked_card_for_receipt("4111 1111 1111 1111") == "**** 1111");
  CHECK(masked_card_for_receipt(";4111111111111111=2512?") == "**** 2512");
  CHECK(masked_card_for_receipt("") == "");
  CHECK(masked_card_for_receipt("**** 12") == "");
}
