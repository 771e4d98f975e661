// The CCID class descriptor (USB CCID 1.1 section 5.1): what a smart-card reader says it can
// do, plus a table of readers known to misreport, keyed by VID:PID (quirks are data, not code).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

enum class ExchangeLevel { character, tpdu, short_apdu, extended_apdu };
std::string_view to_string(ExchangeLevel level);

struct CcidDescriptor {
  static constexpr std::uint8_t k_type = 0x21;
  static constexpr std::size_t k_size = 54;
  // Message header (10 bytes) is part of dwMaxCCIDMessageLength.
  static constexpr std::uint32_t k_header_size = 10;
  // Smallest useful: a short APDU of 255 data bytes plus the header.
  static constexpr std::uint32_t k_min_message_length = 271;

  std::uint16_t bcd_ccid = 0;
  std::uint8_t max_slot_index = 0;
  std::uint8_t voltage_support = 0;
  std::uint32_t protocols = 0;  // bit 0: T=0, bit 1: T=1
  std::uint32_t max_ifsd = 0;
  std::uint32_t features = 0;
  std::uint32_t max_message_length = 0;
  std::uint8_t max_busy_slots = 0;

  ExchangeLevel exchange_level() const;
  bool automatic_parameters() const { return (features & 0x00000040U) || (features & 0x00000080U); }
  bool automatic_ifsd() const { return (features & 0x00000400U) != 0; }
  bool supports_t0() const { return protocols & 1U; }
  bool supports_t1() const { return protocols & 2U; }
};

// Parses the 54-byte descriptor (also accepts it with trailing bytes, as some readers send).
Expected<CcidDescriptor> parse_ccid_descriptor(ByteView bytes);

// Finds the CCID descriptor among an interface's extra descriptors (type 0x21).
Expected<CcidDescriptor> find_ccid_descriptor(ByteView interface_extra);

struct CcidQuirk {
  std::uint16_t vendor_id;
  std::uint16_t product_id;
  std::string_view why;
  std::optional<std::uint32_t> max_message_length;  // replaces dwMaxCCIDMessageLength
  std::optional<std::uint32_t> features;            // replaces dwFeatures
  std::optional<std::uint32_t> protocols;           // replaces dwProtocols
};

// The known readers that misreport. Tests hold a descriptor dump for each.
std::span<const CcidQuirk> ccid_quirks();
// Applies the quirk for vid:pid, if any; returns the quirk applied.
const CcidQuirk* apply_ccid_quirks(std::uint16_t vendor_id, std::uint16_t product_id,
                                   CcidDescriptor& descriptor);

}  // namespace shubbak
