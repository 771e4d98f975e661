#include <doctest/doctest.h>

#include "drivers/card/atr.hpp"
#include "kiosk/core/hex.hpp"

using namespace shubbak;

TEST_CASE("a T=1 ATR: interface bytes by group, T=1 parameters, historical bytes, TCK") {
  // 3B 86 81 31 0C 45 'SHBKID' TCK: TD1 T=1, TD2 T=1 with TA3 (IFSC 12) and TB3 (BWI 4, CWI 5).
  auto atr = parse_atr(*parse_hex("3B868131 0C45 5348424B4944 60"));
  REQUIRE_MESSAGE(atr.has_value(), atr.error().describe());
  CHECK(atr->convention == Convention::direct);
  REQUIRE(atr->groups.size() == 3);
  CHECK(atr->groups[0].td == 0x81);
  CHECK(atr->groups[1].td == 0x31);
  CHECK(atr->groups[2].ta == 0x0C);
  CHECK(atr->groups[2].tb == 0x45);
  CHECK(atr->offers(1));
  CHECK_FALSE(atr->offers(0));
  CHECK(atr->first_protocol() == 1);
  CHECK(atr->t1_ifsc() == 12);
  CHECK(atr->t1_bwi_cwi() == 0x45);
  CHECK_FALSE(atr->t1_uses_crc());
  CHECK(std::string(atr->historical.begin(), atr->historical.end()) == "SHBKID");
  CHECK(atr->tck == 0x60);
}

TEST_CASE("a T=0-only ATR has no TCK, and TA1/TC1 give Fi/Di and the guard time") {
  auto atr = parse_atr(*parse_hex("3B 56 11 00 5348424B4944"));
  REQUIRE_MESSAGE(atr.has_value(), atr.error().describe());
  CHECK(atr->offers(0));
  CHECK(atr->fi_di() == 0x11);
  CHECK(atr->extra_guard_time() == 0);
  CHECK_FALSE(atr->tck.has_value());
  CHECK(atr->t0_waiting_integer() == 10);
}

TEST_CASE("a dual-protocol ATR with global interface bytes (T=15)") {
  // 3B DB 96 00 80 B1 FE 45 1F 83 00 31 C0 64 1A 18 01 00 0F 90 00 52 (a Belgian eID style ATR).
  auto atr = parse_atr(*parse_hex("3BDB960080B1FE451F830031C0641A1801000F900052"));
  REQUIRE_MESSAGE(atr.has_value(), atr.error().describe());
  CHECK(atr->offers(0));
  CHECK(atr->offers(1));
  CHECK(atr->fi_di() == 0x96);
  CHECK(atr->t1_ifsc() == 0xFE);
  CHECK(atr->t1_bwi_cwi() == 0x45);
  CHECK(atr->historical.size() == 11);
}

TEST_CASE("broken ATRs are refused with a reason") {
  CHECK(parse_atr(*parse_hex("3B")).error().code == Errc::parse);
  CHECK(parse_atr(*parse_hex("3A 00")).error().message.find("TS 3A") != std::string::npos);
  CHECK(parse_atr(*parse_hex("3B 86 81 31 0C")).error().message.find("truncated") !=
        std::string::npos);
  // Wrong check byte.
  CHECK(parse_atr(*parse_hex("3B868131 0C45 5348424B4944 61")).error().code == Errc::integrity);
  // Missing historical bytes.
  CHECK(parse_atr(*parse_hex("3B 05 01 02")).error().message.find("historical") !=
        std::string::npos);
  // Trailing garbage.
  CHECK(parse_atr(*parse_hex("3B 00 FF")).has_value() == false);
  CHECK(parse_atr(Bytes(34, 0x3B)).error().message.find("33") != std::string::npos);
}
