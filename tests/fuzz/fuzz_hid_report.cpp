// HID reports from a scanner: 8-byte chunks through the decoder, the assembler (both layouts)
// and the payment-card filter.
#include "drivers/hid/boot_keyboard_decoder.hpp"
#include "drivers/hid/payment_card_filter.hpp"
#include "drivers/hid/scan_assembler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  (void)shubbak::looks_like_payment_card(
      std::string_view(reinterpret_cast<const char*>(data), size));
  for (auto layout : {shubbak::KeyboardLayout::us, shubbak::KeyboardLayout::arabic}) {
    shubbak::BootKeyboardDecoder decoder;
    shubbak::ScanAssembler assembler(layout, 50ms);
    auto now = shubbak::ScanAssembler::Clock::time_point{};
    std::vector<shubbak::KeyPress> pressed;
    for (std::size_t at = 0; at < size; at += 8) {
      std::size_t n = std::min<std::size_t>(8, size - at);
      pressed.clear();
      decoder.feed(std::span<const std::uint8_t>(data + at, n), pressed);
      for (const auto& press : pressed) {
        now += std::chrono::milliseconds(data[at] & 0x7F);
        if (auto scan = assembler.key(press, now)) {
          if (scan->outcome == shubbak::Scan::Outcome::text &&
              shubbak::looks_like_payment_card(scan->text)) {
            __builtin_trap();  // a card number got through
          }
        }
      }
    }
    (void)assembler.idle(now + 1s);
  }
  return 0;
}
