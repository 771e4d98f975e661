#include "drivers/hid/keyboard_layout.hpp"

#include <array>

#include <fmt/format.h>

namespace shubbak {

namespace {

struct KeyEntry {
  std::u32string_view plain;
  std::u32string_view shifted;
};

// US layout, usages 0x04 (a) to 0x38 (/).
constexpr std::array<KeyEntry, 0x39> k_us = [] {
  std::array<KeyEntry, 0x39> t{};
  constexpr std::u32string_view lower = U"abcdefghijklmnopqrstuvwxyz";
  constexpr std::u32string_view upper = U"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (std::size_t i = 0; i < 26; ++i) t[0x04 + i] = {lower.substr(i, 1), upper.substr(i, 1)};
  constexpr std::u32string_view digits = U"1234567890";
  constexpr std::u32string_view shifted_digits = U"!@#$%^&*()";
  for (std::size_t i = 0; i < 10; ++i)
    t[0x1E + i] = {digits.substr(i, 1), shifted_digits.substr(i, 1)};
  t[0x2C] = {U" ", U" "};
  t[0x2D] = {U"-", U"_"};
  t[0x2E] = {U"=", U"+"};
  t[0x2F] = {U"[", U"{"};
  t[0x30] = {U"]", U"}"};
  t[0x31] = {U"\\", U"|"};
  t[0x33] = {U";", U":"};
  t[0x34] = {U"'", U"\""};
  t[0x35] = {U"`", U"~"};
  t[0x36] = {U",", U"<"};
  t[0x37] = {U".", U">"};
  t[0x38] = {U"/", U"?"};
  return t;
}();

// Arabic (101) layout: the unshifted letter keys; digits and shifted keys type as on US.
constexpr std::array<std::u32string_view, 0x39> k_arabic_plain = [] {
  std::array<std::u32string_view, 0x39> t{};
  // a..z
  constexpr std::array<std::u32string_view, 26> letters = {
      U"ش", U"لا", U"ؤ", U"ي", U"ث", U"ب", U"ل", U"ا", U"ه", U"ت", U"ن", U"م", U"ة",
      U"ى", U"خ",  U"ح", U"ض", U"ق", U"س", U"ف", U"ع", U"ر", U"ص", U"ء", U"غ", U"ئ"};
  for (std::size_t i = 0; i < 26; ++i) t[0x04 + i] = letters[i];
  t[0x2F] = U"ج";
  t[0x30] = U"د";
  t[0x33] = U"ك";
  t[0x34] = U"ط";
  t[0x35] = U"ذ";
  t[0x36] = U"و";
  t[0x37] = U"ز";
  t[0x38] = U"ظ";
  return t;
}();

std::u32string_view keypad(std::uint8_t usage) {
  switch (usage) {
    case 0x54:
      return U"/";
    case 0x55:
      return U"*";
    case 0x56:
      return U"-";
    case 0x57:
      return U"+";
    case 0x62:
      return U"0";
    case 0x63:
      return U".";
    default:
      break;
  }
  if (usage >= 0x59 && usage <= 0x61) {
    static constexpr std::u32string_view digits = U"123456789";
    return digits.substr(usage - 0x59u, 1);
  }
  return {};
}

}  // namespace

Expected<KeyboardLayout> parse_keyboard_layout(std::string_view name) {
  if (name == "us") return KeyboardLayout::us;
  if (name == "ar") return KeyboardLayout::arabic;
  return fail(Errc::config, fmt::format("keyboard layout \"{}\" is not \"us\" or \"ar\"", name));
}

std::u32string_view key_text(KeyboardLayout layout, std::uint8_t usage, bool shift) {
  if (usage >= 0x54 && usage <= 0x63) return keypad(usage);
  if (usage >= k_us.size()) return {};
  if (layout == KeyboardLayout::arabic && !shift && !k_arabic_plain[usage].empty())
    return k_arabic_plain[usage];
  return shift ? k_us[usage].shifted : k_us[usage].plain;
}

}  // namespace shubbak
