// BER-TLV data objects (ISO/IEC 7816-4 section 5.2, ITU-T X.690): how cards package their data.
// Parsed from untrusted bytes with bounded nesting; values are views into the caller's buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

struct TlvNode {
  std::uint32_t tag = 0;  // the tag bytes as a big-endian number: 0x5F20, 0x61, 0x7F61
  bool constructed = false;
  ByteView value;
  std::vector<TlvNode> children;  // parsed when constructed
};

inline constexpr int k_max_tlv_depth = 8;

// Every data object in `bytes`, in order. 00 and FF padding between objects is skipped.
Expected<std::vector<TlvNode>> parse_ber_tlv(ByteView bytes);

// Follows a path of tags ("61/5F20" as {0x61, 0x5F20}); the first match at each level.
const TlvNode* find_tlv(const std::vector<TlvNode>& nodes, std::span<const std::uint32_t> path);

// "61/5F20" to {0x61, 0x5F20}.
Expected<std::vector<std::uint32_t>> parse_tag_path(std::string_view text);

}  // namespace shubbak
