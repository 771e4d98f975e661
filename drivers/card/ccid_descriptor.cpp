#include "drivers/card/ccid_descriptor.hpp"

#include <array>

#include <fmt/format.h>

namespace shubbak {

std::string_view to_string(ExchangeLevel level) {
  switch (level) {
    case ExchangeLevel::character:
      return "character";
    case ExchangeLevel::tpdu:
      return "TPDU";
    case ExchangeLevel::short_apdu:
      return "short APDU";
    case ExchangeLevel::extended_apdu:
      return "extended APDU";
  }
  return "?";
}

ExchangeLevel CcidDescriptor::exchange_level() const {
  if (features & 0x00040000U) return ExchangeLevel::extended_apdu;
  if (features & 0x00020000U) return ExchangeLevel::short_apdu;
  if (features & 0x00010000U) return ExchangeLevel::tpdu;
  return ExchangeLevel::character;
}

Expected<CcidDescriptor> parse_ccid_descriptor(ByteView b) {
  if (b.size() < CcidDescriptor::k_size) {
    return fail(Errc::parse, fmt::format("CCID descriptor: {} bytes, needs 54", b.size()));
  }
  if (b[0] < CcidDescriptor::k_size || b[1] != CcidDescriptor::k_type) {
    return fail(Errc::parse, fmt::format("CCID descriptor: length {} type {:02X}", b[0], b[1]));
  }
  CcidDescriptor d;
  d.bcd_ccid = read_le16(b, 2);
  d.max_slot_index = b[4];
  d.voltage_support = b[5];
  d.protocols = read_le32(b, 6);
  d.max_ifsd = read_le32(b, 28);
  d.features = read_le32(b, 40);
  d.max_message_length = read_le32(b, 44);
  d.max_busy_slots = b[53];
  return d;
}

Expected<CcidDescriptor> find_ccid_descriptor(ByteView extra) {
  std::size_t at = 0;
  while (at + 2 <= extra.size()) {
    std::size_t length = extra[at];
    if (length < 2 || at + length > extra.size()) break;
    if (extra[at + 1] == CcidDescriptor::k_type)
      return parse_ccid_descriptor(extra.subspan(at, length));
    at += length;
  }
  return fail(Errc::not_found, "interface has no CCID class descriptor (type 21)");
}

namespace {
// One entry per reader model seen to misreport, each with its descriptor dump in
// tests/fixtures/usb/ and a unit test that the quirk turns the dump into the truth.
constexpr std::array k_quirks = {
    // The emulated reader of tests/integration/card: announces 65544 bytes, buffers 271.
    CcidQuirk{0x1D6B, 0x0C1D, "announces 65544-byte messages, buffers 271", 271, std::nullopt,
              std::nullopt},
};
}  // namespace

std::span<const CcidQuirk> ccid_quirks() {
  return k_quirks;
}

const CcidQuirk* apply_ccid_quirks(std::uint16_t vendor_id, std::uint16_t product_id,
                                   CcidDescriptor& d) {
  for (const auto& quirk : k_quirks) {
    if (quirk.vendor_id != vendor_id || quirk.product_id != product_id) continue;
    if (quirk.max_message_length) d.max_message_length = *quirk.max_message_length;
    if (quirk.features) d.features = *quirk.features;
    if (quirk.protocols) d.protocols = *quirk.protocols;
    return &quirk;
  }
  return nullptr;
}

}  // namespace shubbak
