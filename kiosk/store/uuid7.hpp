// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness; sortable by creation time.
// The generator is monotonic: within one millisecond, or when the wall clock steps back, it
// counts on from the last id instead of going backwards.
//
// Threading: one generator per owner; not thread-safe (the store calls it under its lock).
#pragma once

#include <cstdint>
#include <string>

#include "kiosk/core/error.hpp"

namespace shubbak {

class Uuid7Generator {
 public:
  // "0190a0b1-5c2e-7xxx-yxxx-xxxxxxxxxxxx" for the wall time `unix_ms`.
  Expected<std::string> next(std::int64_t unix_ms);

 private:
  std::int64_t m_last_ms = -1;
  std::uint16_t m_counter = 0;  // the 12-bit rand_a field, used as a counter within one ms
};

// True when `text` is a canonical lower-case UUID of version 7.
bool is_uuid7(std::string_view text);

}  // namespace shubbak
