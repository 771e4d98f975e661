// What a HID keyboard usage (USB HID Usage Tables, page 7) types under a keyboard layout.
// Scanners in keyboard mode are set up for one layout; the kiosk must decode with the same one.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

enum class KeyboardLayout { us, arabic };

Expected<KeyboardLayout> parse_keyboard_layout(std::string_view name);

namespace hid_usage {
inline constexpr std::uint8_t k_error_rollover = 0x01;
inline constexpr std::uint8_t k_enter = 0x28;
inline constexpr std::uint8_t k_tab = 0x2B;
inline constexpr std::uint8_t k_keypad_enter = 0x58;
}  // namespace hid_usage

// The text one key types (empty for keys that type nothing, such as F1 or arrows). Arabic
// "لا" is one key and two code points.
std::u32string_view key_text(KeyboardLayout layout, std::uint8_t usage, bool shift);

}  // namespace shubbak
