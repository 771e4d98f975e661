#include <doctest/doctest.h>

#include "kiosk/core/kiosk_id.hpp"

using namespace shubbak;

TEST_CASE(
    "one kiosk id rule: letters, digits, '-', '_' and '.', 1 to 64, a letter or digit first") {
  for (const char* good : {"kiosk-7", "MCT-07", "muscat.0042", "a", "A_b-c.d9"}) {
    CAPTURE(good);
    CHECK(is_valid_kiosk_id(good));
    CHECK(check_kiosk_id(good));
  }
  CHECK(is_valid_kiosk_id(std::string(64, 'k')));
  for (const std::string& bad :
       {std::string(), std::string(65, 'k'), std::string("../../etc/x';--"), std::string(".."),
        std::string("."), std::string("-rf"), std::string("kiosk 7"), std::string("kiosk/7"),
        std::string("kiosk\n7"), std::string("kiosk\0007", 7), std::string("كشك"),
        std::string("kiosk%2f7")}) {
    CAPTURE(bad);
    CHECK_FALSE(is_valid_kiosk_id(bad));
    auto refused = check_kiosk_id(bad, "the client certificate's CN");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::invalid_argument);
    CHECK(
        refused.error().message.starts_with("the client certificate's CN is not a valid kiosk id"));
  }
}
