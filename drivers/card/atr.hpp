// The Answer To Reset of a contact card (ISO/IEC 7816-3 section 8): what protocols the card
// speaks and with which parameters. Parsed from untrusted bytes: every field is bounds-checked.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

enum class Convention { direct, inverse };

struct Atr {
  static constexpr std::size_t k_max_size = 33;

  Bytes raw;
  Convention convention = Convention::direct;
  std::uint8_t t0 = 0;
  // Interface bytes by group i (1-based in the standard, index i-1 here); absent ones empty.
  struct InterfaceGroup {
    std::optional<std::uint8_t> ta, tb, tc, td;
  };
  std::vector<InterfaceGroup> groups;
  Bytes historical;
  std::optional<std::uint8_t> tck;
  std::uint16_t protocols = 0;  // bit T set for each protocol T offered (T=0 when none named)

  bool offers(int protocol) const { return (protocols >> protocol) & 1U; }
  // The protocol a reader uses when it does not negotiate: the first one offered.
  int first_protocol() const;
  // TA1: clock rate conversion Fi and baud rate adjustment Di indices (default 0x11).
  std::uint8_t fi_di() const;
  // TC1: extra guard time N (default 0).
  std::uint8_t extra_guard_time() const;
  // TA2 present: the card is in specific mode and runs only the protocol TA2 names.
  std::optional<int> specific_mode_protocol() const;
  // T=0: TC2 waiting integer WI (default 10).
  std::uint8_t t0_waiting_integer() const;
  // T=1 parameters: the first TA/TB/TC after the first TD announcing T=1.
  std::uint8_t t1_ifsc() const;     // default 32
  std::uint8_t t1_bwi_cwi() const;  // TB: BWI in the high nibble, CWI low (default 0x4D)
  bool t1_uses_crc() const;         // TC bit 0 (default LRC)
};

Expected<Atr> parse_atr(ByteView bytes);

}  // namespace shubbak
