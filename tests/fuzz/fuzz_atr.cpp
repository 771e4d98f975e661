#include "drivers/card/atr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto atr = shubbak::parse_atr(shubbak::ByteView(data, size));
  if (atr) {
    // Every accessor must be safe on whatever parsed.
    (void)atr->first_protocol();
    (void)atr->fi_di();
    (void)atr->extra_guard_time();
    (void)atr->specific_mode_protocol();
    (void)atr->t0_waiting_integer();
    (void)atr->t1_ifsc();
    (void)atr->t1_bwi_cwi();
    (void)atr->t1_uses_crc();
    if (atr->raw.size() != size) __builtin_trap();
  }
  return 0;
}
