// Turns key presses into whole scans. A scan ends with Enter (most scanners send one) or when
// no key came for the inter-key timeout (scanners set up without a suffix). Each finished scan
// goes through the payment-card filter: a card number is dropped and wiped, never returned.
//
// The buffer has a fixed capacity reserved up front, so it never reallocates and leaves no
// stray copy of what was typed on the heap; it is wiped after every scan.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "drivers/hid/boot_keyboard_decoder.hpp"

namespace shubbak {

struct Scan {
  enum class Outcome { text, dropped_payment_card, dropped_too_long };
  Outcome outcome = Outcome::text;
  std::string text;  // empty unless outcome is text
};

class ScanAssembler {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t k_capacity = 4096;  // a QR code holds at most 2953 bytes

  ScanAssembler(KeyboardLayout layout, std::chrono::milliseconds inter_key_timeout);
  ~ScanAssembler();
  ScanAssembler(const ScanAssembler&) = delete;
  ScanAssembler& operator=(const ScanAssembler&) = delete;

  // A key pressed at `now`; returns a scan when this key ended one.
  std::optional<Scan> key(const KeyPress& press, Clock::time_point now);
  // Time passing without keys; returns a scan when the inter-key timeout ended one.
  std::optional<Scan> idle(Clock::time_point now);
  // Bytes held right now (for tests: zero between scans).
  std::size_t pending_size() const { return m_buffer.size(); }

 private:
  std::optional<Scan> finish();
  void append(char32_t code_point);

  KeyboardLayout m_layout;
  std::chrono::milliseconds m_timeout;
  std::string m_buffer;
  bool m_overflow = false;
  std::optional<Clock::time_point> m_last_key;
};

}  // namespace shubbak
