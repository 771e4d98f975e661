#include <doctest/doctest.h>

#include "drivers/card/apdu.hpp"
#include "kiosk/core/hex.hpp"

using namespace shubbak;

TEST_CASE("the four ISO 7816-4 cases, short and extended, encode and parse back") {
  struct Case {
    CommandApdu command;
    const char* wire;
  };
  Case cases[] = {
      {{0x00, 0x70, 0x00, 0x00, {}, std::nullopt}, "00700000"},
      {{0x00, 0xB0, 0x00, 0x00, {}, 256}, "00B0000000"},
      {{0x00, 0xB0, 0x00, 0x00, {}, 16}, "00B0000010"},
      {{0x00, 0xA4, 0x02, 0x0C, {0x01, 0x01}, std::nullopt}, "00A4020C020101"},
      {{0x00, 0xA4, 0x04, 0x00, {0xA0, 0x00}, 256}, "00A4040002A00000"},
      {{0x00, 0xB0, 0x00, 0x00, {}, 1000}, "00B000000003E8"},
      {{0x00, 0xB0, 0x00, 0x00, {}, 65536}, "00B00000000000"},
  };
  for (const auto& c : cases) {
    auto wire = c.command.encode();
    REQUIRE(wire.has_value());
    CHECK(to_hex_upper(*wire) == c.wire);
    auto parsed = parse_command_apdu(*wire);
    REQUIRE(parsed.has_value());
    CHECK(parsed->data == c.command.data);
    CHECK(parsed->le == c.command.le);
    CHECK(parsed->iso_case() == c.command.iso_case());
  }
  // Case 3 and 4 extended.
  CommandApdu big{0x00, 0xD6, 0x00, 0x00, Bytes(300, 0x55), 512};
  auto wire = big.encode();
  REQUIRE(wire.has_value());
  CHECK(wire->size() == 4 + 3 + 300 + 2);
  CHECK(to_hex_upper(ByteView(*wire).first(7)) == "00D6000000012C");
  auto parsed = parse_command_apdu(*wire);
  REQUIRE(parsed.has_value());
  CHECK(parsed->data.size() == 300);
  CHECK(parsed->le == 512u);
  CHECK(big.encode(false).error().code == Errc::unsupported);
}

TEST_CASE("status words: usable answers, their meanings and the Errc they map to") {
  CHECK(ResponseApdu{{}, 0x9000}.usable());
  CHECK(ResponseApdu{{}, 0x6282}.usable());
  CHECK_FALSE(ResponseApdu{{}, 0x6A82}.usable());
  CHECK_FALSE(ResponseApdu{{}, 0x63C2}.usable());  // wrong PIN, 2 tries left
  CHECK(errc_for_status_word(0x6A82) == Errc::not_found);
  CHECK(errc_for_status_word(0x6982) == Errc::unsupported);
  CHECK(errc_for_status_word(0x6700) == Errc::invalid_argument);
  CHECK(errc_for_status_word(0x6F00) == Errc::device);
  CHECK(describe_status_word(0x6A82) == "6A82 file or application not found");
  CHECK(describe_status_word(0x6110) == "6110 16 more bytes available");
  CHECK(describe_status_word(0x6C00) == "6C00 wrong Le, exact length 256");
  auto checked = check_status(ResponseApdu{{}, 0x6A82}, "SELECT");
  REQUIRE_FALSE(checked.has_value());
  CHECK(checked.error().message == "SELECT: card answered 6A82 file or application not found");
  CHECK_FALSE(parse_response_apdu(Bytes{0x90}).has_value());
}

TEST_CASE("malformed command APDUs are refused") {
  CHECK_FALSE(parse_command_apdu(*parse_hex("00A404")).has_value());
  CHECK_FALSE(parse_command_apdu(*parse_hex("00A40400 05 0102")).has_value());
  CHECK_FALSE(parse_command_apdu(*parse_hex("00A40400 00 0000 01")).has_value());
  CHECK_FALSE(parse_command_apdu(*parse_hex("800D00E2 0000")).has_value());  // found by fuzz_ccid
  CHECK(CommandApdu{0, 0xB0, 0, 0, {}, 0}.encode().error().code == Errc::invalid_argument);
}
