// The demo card profile read end to end through libusb from emulated CCID readers of every
// exchange level, and what the kiosk keeps (and logs) afterwards.
#include <doctest/doctest.h>

#include "drivers/card/card_profile.hpp"
#include "kiosk/core/hex.hpp"
#include "tests/support/usb/emulated_ccid.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

CardProfile demo_profile() {
  auto profile =
      load_card_profile(std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json");
  REQUIRE_MESSAGE(profile.has_value(), profile.error().describe());
  return *profile;
}

void check_demo_identity(const IdentityRecord& id) {
  CHECK(id.id_number == "9861031234");
  CHECK(id.name_ar == "أحمد بن سالم البلوشي");
  CHECK(id.name_en == "AHMED BIN SALIM AL BALUSHI");
  CHECK(id.birth_date == "1986-03-14");
  CHECK(id.expiry_date == "2031-05-20");
  CHECK(id.nationality == "OMN");
}

}  // namespace

TEST_CASE(
    "a TPDU-level T=1 reader: ATR, PPS, IFSD negotiation, chained blocks, the whole profile") {
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t1});
  auto reader = ccid.open_reader();
  REQUIRE_MESSAGE(reader.has_value(), reader.error().describe());
  CHECK((*reader)->descriptor().exchange_level() == ExchangeLevel::tpdu);

  auto id = read_identity(**reader, demo_profile());
  REQUIRE_MESSAGE(id.has_value(), id.error().describe());
  check_demo_identity(*id);
  CHECK(ccid.fake().t1_protocol_set() == 1);    // SetParameters chose T=1 from the ATR
  CHECK(ccid.fake().negotiated_ifsd() == 254);  // S(IFS request) reached the card
  // 9 blocks: IFS request; the 15-byte SELECT chained over the card's IFSC of 12 (2); SELECT
  // file; the first 256-byte READ BINARY answer chained over IFSD 254 (2); the rest of the EF;
  // the validity EF by short id; the record.
  CHECK(ccid.fake().xfr_blocks() == 9);
  // Nothing the card said is in the logs.
  CHECK_FALSE(ccid.log().contains("9861031234"));
  CHECK_FALSE(ccid.log().contains("AHMED"));
  CHECK_FALSE(ccid.log().contains("أحمد"));
}

TEST_CASE("a short-APDU-level reader with a card that wants GET RESPONSE and exact Le") {
  EmulatedCcid ccid(
      {.exchange = FakeExchange::short_apdu},
      SimulatedCard::demo_id_card({.select_answers_61xx = true, .exact_le_required = true}));
  auto reader = ccid.open_reader();
  REQUIRE_MESSAGE(reader.has_value(), reader.error().describe());
  auto id = read_identity(**reader, demo_profile());
  REQUIRE_MESSAGE(id.has_value(), id.error().describe());
  check_demo_identity(*id);

  // GET RESPONSE for 61xx: SELECT asking for the FCI.
  REQUIRE((*reader)->power_on().has_value());
  auto fci = transmit(**reader,
                      CommandApdu{0x00, 0xA4, 0x04, 0x00, *parse_hex("F05348554242414B4944"), 256});
  REQUIRE(fci.has_value());
  CHECK(fci->sw == 0x9000);
  CHECK(to_hex_upper(fci->data) == "6F0C840AF05348554242414B4944");
  // Le corrected after 6Cxx: asking 200 bytes of a 16-byte EF.
  REQUIRE(
      transmit(**reader, CommandApdu{0x00, 0xA4, 0x02, 0x0C, {0x01, 0x02}, std::nullopt})->ok());
  auto validity = transmit(**reader, CommandApdu{0x00, 0xB0, 0x00, 0x00, {}, 200});
  REQUIRE(validity.has_value());
  CHECK(validity->sw == 0x9000);
  CHECK(validity->data.size() == 16);
}

TEST_CASE("a TPDU-level T=0 reader: case 4 becomes case 3 and GET RESPONSE") {
  auto card = SimulatedCard::demo_id_card({.select_answers_61xx = true, .exact_le_required = true});
  card.set_atr(SimulatedCard::demo_atr_t0());
  EmulatedCcid ccid({.exchange = FakeExchange::tpdu_t0}, std::move(card));
  auto reader = ccid.open_reader();
  REQUIRE_MESSAGE(reader.has_value(), reader.error().describe());
  auto id = read_identity(**reader, demo_profile());
  REQUIRE_MESSAGE(id.has_value(), id.error().describe());
  check_demo_identity(*id);
  CHECK(ccid.fake().t1_protocol_set() == 0);

  REQUIRE((*reader)->power_on().has_value());
  CHECK((*reader)->protocol() == 0);
  auto fci = transmit(**reader,
                      CommandApdu{0x00, 0xA4, 0x04, 0x00, *parse_hex("F05348554242414B4944"), 256});
  REQUIRE(fci.has_value());
  CHECK(fci->sw == 0x9000);
  CHECK(fci->data.size() == 14);
  auto extended = (*reader)->transmit_raw(CommandApdu{0x00, 0xB0, 0x00, 0x00, {}, 1000});
  REQUIRE_FALSE(extended.has_value());
  CHECK(extended.error().code == Errc::unsupported);
}

TEST_CASE("a contactless reader answers the PC/SC GET DATA pseudo-APDU with the card's UID") {
  EmulatedCcid ccid({.exchange = FakeExchange::short_apdu});
  auto reader = ccid.open_reader();
  REQUIRE(reader.has_value());
  REQUIRE((*reader)->power_on().has_value());
  auto uid = read_contactless_uid(**reader);
  REQUIRE_MESSAGE(uid.has_value(), uid.error().describe());
  CHECK(to_hex_upper(*uid) == "04A23B7C115280");
}

TEST_CASE("a reader that lies about its maximum message length") {
  SUBCASE("known by VID:PID: the quirk caps messages, commands and answers are chained") {
    EmulatedCcid ccid({.product_id = 0x0C1D,
                       .exchange = FakeExchange::extended_apdu,
                       .announced_max_message = 65544,
                       .real_max_message = 271});
    auto reader = ccid.open_reader();
    REQUIRE(reader.has_value());
    CHECK((*reader)->quirk_applied());
    CHECK((*reader)->descriptor().max_message_length == 271);
    auto id = read_identity(**reader, demo_profile());
    REQUIRE_MESSAGE(id.has_value(), id.error().describe());
    check_demo_identity(*id);
    REQUIRE((*reader)->power_on().has_value());
    auto big = transmit(**reader, CommandApdu{0x00, 0xA4, 0x04, 0x00, Bytes(400, 0x42), 256});
    REQUIRE(big.has_value());
    CHECK(big->sw == 0x6A82);  // the card saw the whole 400-byte AID and did not know it
    CHECK(ccid.fake().largest_apdu() == 4 + 3 + 400 + 2);
    CHECK(ccid.fake().stalls() == 0);
  }
  SUBCASE("unknown: the oversized message stalls, the error is clear and the reader recovers") {
    EmulatedCcid ccid({.product_id = 0x0C1E,
                       .exchange = FakeExchange::extended_apdu,
                       .announced_max_message = 65544,
                       .real_max_message = 271});
    auto reader = ccid.open_reader();
    REQUIRE(reader.has_value());
    CHECK_FALSE((*reader)->quirk_applied());
    REQUIRE((*reader)->power_on().has_value());
    auto big = transmit(**reader, CommandApdu{0x00, 0xA4, 0x04, 0x00, Bytes(400, 0x42), 256});
    REQUIRE_FALSE(big.has_value());
    CHECK(big.error().code == Errc::device);
    CHECK(big.error().message.find("stalled") != std::string::npos);
    CHECK(ccid.fake().stalls() == 1);
    auto status = (*reader)->slot_status();
    REQUIRE_MESSAGE(status.has_value(), status.error().describe());
    CHECK(*status == IccStatus::active);
  }
}
