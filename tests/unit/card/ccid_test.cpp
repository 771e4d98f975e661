#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "drivers/card/ccid_descriptor.hpp"
#include "drivers/card/ccid_message.hpp"
#include "kiosk/core/hex.hpp"

using namespace shubbak;

namespace {
Bytes fixture(const char* name) {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/tests/fixtures/usb/" + name);
  REQUIRE(in);
  std::string line, hex;
  while (std::getline(in, line)) {
    if (!line.starts_with("#")) hex += line;
  }
  return *parse_hex(hex);
}
}  // namespace

TEST_CASE("the CCID class descriptor: level, protocols, IFSD, message length") {
  auto d = parse_ccid_descriptor(fixture("1d6b-0c1d-ccid.txt"));
  REQUIRE_MESSAGE(d.has_value(), d.error().describe());
  CHECK(d->bcd_ccid == 0x0110);
  CHECK(d->exchange_level() == ExchangeLevel::extended_apdu);
  CHECK(d->supports_t0());
  CHECK(d->supports_t1());
  CHECK(d->max_ifsd == 254);
  CHECK(d->max_message_length == 65544);
  CHECK(d->automatic_parameters());
  CHECK(d->max_busy_slots == 1);

  CcidDescriptor tpdu = *d;
  tpdu.features = 0x0001003E;
  CHECK(tpdu.exchange_level() == ExchangeLevel::tpdu);
  CHECK_FALSE(tpdu.automatic_parameters());
  CHECK_FALSE(tpdu.automatic_ifsd());
  tpdu.features = 0x000000FE;
  CHECK(tpdu.exchange_level() == ExchangeLevel::character);
}

TEST_CASE("the quirks table corrects a reader that misreports, and only that reader") {
  auto d = *parse_ccid_descriptor(fixture("1d6b-0c1d-ccid.txt"));
  CcidDescriptor other = d;
  CHECK(apply_ccid_quirks(0x1D6B, 0x0C1E, other) == nullptr);
  CHECK(other.max_message_length == 65544);
  const CcidQuirk* quirk = apply_ccid_quirks(0x1D6B, 0x0C1D, d);
  REQUIRE(quirk != nullptr);
  CHECK(d.max_message_length == 271);
  for (const auto& q : ccid_quirks()) CHECK_FALSE(q.why.empty());
}

TEST_CASE(
    "the CCID descriptor is found among an interface's extra descriptors; bad ones are refused") {
  Bytes extra{0x05, 0x24, 0x00, 0x01, 0x02};  // some other class-specific descriptor first
  Bytes ccid = fixture("1d6b-0c1d-ccid.txt");
  extra.insert(extra.end(), ccid.begin(), ccid.end());
  CHECK(find_ccid_descriptor(extra).has_value());
  CHECK(find_ccid_descriptor(Bytes{0x05, 0x24, 0, 1, 2}).error().code == Errc::not_found);
  CHECK_FALSE(parse_ccid_descriptor(ByteView(ccid).first(40)).has_value());
  ccid[1] = 0x22;
  CHECK_FALSE(parse_ccid_descriptor(ccid).has_value());
}

TEST_CASE("CCID messages: encoding commands, parsing answers, errors, slot changes") {
  Bytes power_on = encode_ccid_command(ccid::k_icc_power_on, 0, 7, {0, 0, 0});
  CHECK(to_hex_upper(power_on) == "62000000000007000000");
  Bytes xfr =
      encode_ccid_command(ccid::k_xfr_block, 0, 8, {0, 0, 0}, Bytes{0x00, 0xB0, 0x00, 0x00, 0x10});
  CHECK(to_hex_upper(xfr) == "6F05000000000800000000B0000010");

  auto answer = parse_ccid_response(*parse_hex("80 02000000 00 08 00 00 00 9000"));
  REQUIRE(answer.has_value());
  CHECK(answer->sequence == 8);
  CHECK(answer->icc_status() == IccStatus::active);
  CHECK(to_hex_upper(answer->payload) == "9000");
  CHECK_FALSE(parse_ccid_response(*parse_hex("80 03000000 00 08 00 00 00 9000"))
                  .has_value());  // length lies
  CHECK_FALSE(
      parse_ccid_response(*parse_hex("99 00000000 00 08 00 00 00")).has_value());  // unknown type

  auto mute = *parse_ccid_response(*parse_hex("80 00000000 00 01 41 FE 00"));
  CHECK(mute.failed());
  Error e = ccid_command_error(mute, "IccPowerOn");
  CHECK(e.code == Errc::timeout);
  CHECK(e.message == "IccPowerOn: card is mute (no answer in time)");
  auto absent = *parse_ccid_response(*parse_hex("81 00000000 00 01 42 FE 00"));
  CHECK(ccid_command_error(absent, "IccPowerOn").code == Errc::not_found);
  auto extension = *parse_ccid_response(*parse_hex("80 00000000 00 01 80 01 00"));
  CHECK(extension.time_extension());

  auto changes = parse_notify_slot_change(Bytes{0x50, 0x03});
  REQUIRE(changes.has_value());
  CHECK((*changes)[0].slot == 0);
  CHECK((*changes)[0].present);
  CHECK((*changes)[0].changed);
  CHECK_FALSE((*changes)[1].changed);
  auto removed = parse_notify_slot_change(Bytes{0x50, 0x02});
  CHECK_FALSE((*removed)[0].present);
  CHECK((*removed)[0].changed);
  CHECK(parse_notify_slot_change(Bytes{0x51, 0x00, 0x01, 0xFB}).error().code == Errc::device);
  CHECK_FALSE(parse_notify_slot_change(Bytes{0x50}).has_value());
}
