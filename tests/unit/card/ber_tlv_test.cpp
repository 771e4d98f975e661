#include <doctest/doctest.h>

#include "drivers/card/ber_tlv.hpp"
#include "kiosk/core/hex.hpp"

using namespace shubbak;

TEST_CASE("nested BER-TLV with multi-byte tags and long lengths") {
  Bytes value(200, 0x41);
  Bytes inner = *parse_hex("C1 03 313233 5F20 04 41484D44");
  inner.push_back(0xDF);
  inner.push_back(0x01);
  inner.push_back(0x81);
  inner.push_back(200);
  inner.insert(inner.end(), value.begin(), value.end());
  Bytes outer{0x61, 0x81, static_cast<std::uint8_t>(inner.size())};
  outer.insert(outer.end(), inner.begin(), inner.end());
  outer.push_back(0x00);  // padding
  auto nodes = parse_ber_tlv(outer);
  REQUIRE_MESSAGE(nodes.has_value(), nodes.error().describe());
  REQUIRE(nodes->size() == 1);
  CHECK((*nodes)[0].constructed);
  std::uint32_t name_path[] = {0x61, 0x5F20};
  const TlvNode* name = find_tlv(*nodes, name_path);
  REQUIRE(name != nullptr);
  CHECK(std::string(name->value.begin(), name->value.end()) == "AHMD");
  auto photo_path = parse_tag_path("61/DF01");
  REQUIRE(photo_path.has_value());
  const TlvNode* photo = find_tlv(*nodes, *photo_path);
  REQUIRE(photo != nullptr);
  CHECK(photo->value.size() == 200);
  std::uint32_t missing[] = {0x61, 0xC9};
  CHECK(find_tlv(*nodes, missing) == nullptr);
}

TEST_CASE("malformed BER-TLV is refused") {
  CHECK_FALSE(parse_ber_tlv(*parse_hex("C1 05 3132")).has_value());  // length beyond the data
  CHECK_FALSE(parse_ber_tlv(*parse_hex("5F")).has_value());          // tag truncated
  CHECK_FALSE(parse_ber_tlv(*parse_hex("C1")).has_value());          // no length
  CHECK_FALSE(parse_ber_tlv(*parse_hex("61 80 C1 00 00 00")).has_value());    // indefinite length
  CHECK_FALSE(parse_ber_tlv(*parse_hex("C1 85 0000000001 00")).has_value());  // 5-byte length
  CHECK_FALSE(parse_ber_tlv(*parse_hex("5F FF FF FF 01 00")).has_value());    // 5-byte tag
  // Nesting deeper than the bound.
  Bytes deep;
  for (int i = 0; i < 12; ++i)
    deep.insert(deep.begin(), {0x61, static_cast<std::uint8_t>(deep.size())});
  CHECK(parse_ber_tlv(deep).error().message.find("deeper") != std::string::npos);
  CHECK_FALSE(parse_tag_path("61/XY").has_value());
  CHECK_FALSE(parse_tag_path("").has_value());
}
