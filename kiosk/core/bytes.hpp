// Byte buffers (card and USB frames, digests, keys), and wiping them: anything read from a
// citizen's card (or typed by a scanner) is overwritten before its memory goes back to the heap.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shubbak {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// The bytes of a text, without copying.
inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Overwrites memory in a way the optimiser may not remove.
void secure_wipe(void* data, std::size_t size);
// The whole capacity, not just the current size: bytes left over from earlier, longer content
// (or from a short string's inline buffer after a move) are wiped too.
inline void secure_wipe(Bytes& bytes) {
  bytes.resize(bytes.capacity());
  secure_wipe(bytes.data(), bytes.size());
  bytes.clear();
}
inline void secure_wipe(std::string& text) {
  text.resize(text.capacity());
  secure_wipe(text.data(), text.size());
  text.clear();
}

// Little-endian fields of USB and CCID frames.
inline std::uint16_t read_le16(ByteView b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
inline std::uint32_t read_le32(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16) |
         (static_cast<std::uint32_t>(b[at + 3]) << 24);
}
inline void append_le32(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace shubbak
