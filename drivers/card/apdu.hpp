// ISO/IEC 7816-4 command and response APDUs: the four cases, short and extended lengths, and
// what a status word means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

inline constexpr std::uint32_t k_max_short_le = 256;
inline constexpr std::uint32_t k_max_extended_le = 65536;

struct CommandApdu {
  std::uint8_t cla = 0x00;
  std::uint8_t ins = 0x00;
  std::uint8_t p1 = 0x00;
  std::uint8_t p2 = 0x00;
  Bytes data;                       // Nc = data.size(); empty for cases 1 and 2
  std::optional<std::uint32_t> le;  // Ne: absent for cases 1 and 3; 256 / 65536 mean "all"

  int iso_case() const { return 1 + (le ? 1 : 0) + (data.empty() ? 0 : 2); }
  bool needs_extended() const { return data.size() > 255 || (le && *le > k_max_short_le); }
  // Wire form. Extended lengths only when needed; refused when `extended_allowed` is false.
  Expected<Bytes> encode(bool extended_allowed = true) const;
};

// Parses a command as a card sees it (used by the simulated card and in tests).
Expected<CommandApdu> parse_command_apdu(ByteView bytes);

struct ResponseApdu {
  Bytes data;
  std::uint16_t sw = 0;

  std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
  std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw & 0xFF); }
  bool ok() const { return sw == 0x9000; }
  // 9000, or a warning (62xx, 63xx) that still carries usable data, such as 6282 end of file.
  bool usable() const { return ok() || sw1() == 0x62 || (sw1() == 0x63 && (sw2() & 0xF0) != 0xC0); }
};

Expected<ResponseApdu> parse_response_apdu(ByteView bytes);
Bytes encode_response(const ResponseApdu& response);

// "6A82 file or application not found"
std::string describe_status_word(std::uint16_t sw);
// The Errc a status word means for the caller: not_found, invalid_argument, unsupported, device.
Errc errc_for_status_word(std::uint16_t sw);
// Success for usable answers, otherwise an Error naming the command and the status word.
Expected<void> check_status(const ResponseApdu& response, std::string_view what);

}  // namespace shubbak
