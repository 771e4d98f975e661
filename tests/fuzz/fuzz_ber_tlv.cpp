#include "drivers/card/ber_tlv.hpp"

namespace {
std::size_t walk(const std::vector<shubbak::TlvNode>& nodes, int depth) {
  if (depth > shubbak::k_max_tlv_depth + 1) __builtin_trap();
  std::size_t total = 0;
  for (const auto& node : nodes) {
    for (auto b : node.value) total += b;  // touches every value byte
    total += walk(node.children, depth + 1);
  }
  return total;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto nodes = shubbak::parse_ber_tlv(shubbak::ByteView(data, size));
  if (nodes) {
    (void)walk(*nodes, 0);
    std::uint32_t paths[][2] = {{0x61, 0xC1}, {0x61, 0x5F20}, {0x70, 0xC6}};
    for (auto& path : paths) (void)shubbak::find_tlv(*nodes, path);
  }
  return 0;
}
