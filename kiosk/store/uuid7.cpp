#include "kiosk/store/uuid7.hpp"

#include <array>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

Expected<std::string> Uuid7Generator::next(std::int64_t unix_ms) {
  std::array<std::uint8_t, 16> bytes{};
  if (auto random = random_bytes(bytes); !random) return std::unexpected(random.error());

  if (unix_ms > m_last_ms) {
    m_last_ms = unix_ms;
    m_counter = static_cast<std::uint16_t>((bytes[6] << 8 | bytes[7]) & 0x07FF);  // room to count
  } else if (++m_counter > 0x0FFF) {
    // The counter overflowed within one millisecond: borrow the next millisecond.
    ++m_last_ms;
    m_counter = 0;
  }
  auto ms = static_cast<std::uint64_t>(m_last_ms);
  for (int i = 0; i < 6; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  bytes[6] = static_cast<std::uint8_t>(0x70 | ((m_counter >> 8) & 0x0F));
  bytes[7] = static_cast<std::uint8_t>(m_counter & 0xFF);
  bytes[8] = static_cast<std::uint8_t>(0x80 | (bytes[8] & 0x3F));

  std::string hex = to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool is_uuid7(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return text[14] == '7' &&
         (text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b');
}

}  // namespace shubbak
