#include "drivers/card/ber_tlv.hpp"
#include "kiosk/core/hex.hpp"

#include <fmt/format.h>

namespace shubbak {

namespace {

Expected<std::vector<TlvNode>> parse_level(ByteView bytes, int depth) {
  if (depth > k_max_tlv_depth) {
    return fail(Errc::parse, fmt::format("BER-TLV: nested deeper than {}", k_max_tlv_depth));
  }
  std::vector<TlvNode> nodes;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes[at] == 0x00 || bytes[at] == 0xFF) {  // padding between objects
      ++at;
      continue;
    }
    TlvNode node;
    std::uint8_t first = bytes[at++];
    node.constructed = (first & 0x20) != 0;
    node.tag = first;
    if ((first & 0x1F) == 0x1F) {
      int more = 0;
      while (true) {
        if (at >= bytes.size()) return fail(Errc::parse, "BER-TLV: tag truncated");
        if (++more > 3) return fail(Errc::parse, "BER-TLV: tag longer than 4 bytes");
        std::uint8_t b = bytes[at++];
        node.tag = (node.tag << 8) | b;
        if ((b & 0x80) == 0) break;
      }
    }
    if (at >= bytes.size())
      return fail(Errc::parse, fmt::format("BER-TLV: tag {:X} has no length", node.tag));
    std::size_t length = bytes[at++];
    if (length == 0x80) return fail(Errc::parse, "BER-TLV: indefinite length is not allowed");
    if (length > 0x80) {
      std::size_t count = length & 0x7F;
      if (count > 3) return fail(Errc::parse, fmt::format("BER-TLV: {}-byte length field", count));
      if (at + count > bytes.size()) return fail(Errc::parse, "BER-TLV: length truncated");
      length = 0;
      for (std::size_t i = 0; i < count; ++i) length = (length << 8) | bytes[at++];
    }
    if (length > bytes.size() - at) {
      return fail(Errc::parse, fmt::format("BER-TLV: tag {:X} claims {} bytes, {} left", node.tag,
                                           length, bytes.size() - at));
    }
    node.value = bytes.subspan(at, length);
    at += length;
    if (node.constructed) {
      auto children = parse_level(node.value, depth + 1);
      if (!children) return std::unexpected(children.error());
      node.children = std::move(*children);
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace

Expected<std::vector<TlvNode>> parse_ber_tlv(ByteView bytes) {
  return parse_level(bytes, 0);
}

const TlvNode* find_tlv(const std::vector<TlvNode>& nodes, std::span<const std::uint32_t> path) {
  if (path.empty()) return nullptr;
  for (const auto& node : nodes) {
    if (node.tag != path[0]) continue;
    if (path.size() == 1) return &node;
    return find_tlv(node.children, path.subspan(1));
  }
  return nullptr;
}

Expected<std::vector<std::uint32_t>> parse_tag_path(std::string_view text) {
  std::vector<std::uint32_t> path;
  while (!text.empty()) {
    auto slash = text.find('/');
    auto part = text.substr(0, slash);
    auto bytes = parse_hex(part);
    if (!bytes || bytes->empty() || bytes->size() > 4) {
      return fail(Errc::parse, fmt::format("'{}' is not a tag of 1 to 4 hex bytes", part));
    }
    std::uint32_t tag = 0;
    for (auto b : *bytes) tag = (tag << 8) | b;
    path.push_back(tag);
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  if (path.empty()) return fail(Errc::parse, "empty tag path");
  return path;
}

}  // namespace shubbak
