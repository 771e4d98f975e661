// Decodes HID boot-keyboard input reports (8 bytes: modifiers, reserved, six key usages) into
// the keys newly pressed. A key held over several reports counts once, as a typist expects.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "drivers/hid/keyboard_layout.hpp"

namespace shubbak {

struct KeyPress {
  std::uint8_t usage = 0;
  bool shift = false;
};

class BootKeyboardDecoder {
 public:
  static constexpr std::size_t k_report_size = 8;

  // Appends the keys pressed in `report` that were not down in the previous one. Reports of
  // the wrong size, and rollover-error reports (too many keys at once), are ignored.
  void feed(std::span<const std::uint8_t> report, std::vector<KeyPress>& pressed);
  // Forgets the previous report (it names the last keys typed).
  void wipe();

 private:
  std::array<std::uint8_t, 6> m_down{};
};

}  // namespace shubbak
