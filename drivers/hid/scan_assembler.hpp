// Turns key presses into whole scans. A scan ends with Enter (most scanners send one) or when
// no key came for the inter-key timeout (scanners set up without a suffix). Each finished scan
// goes through the payment-card filter: a card number is dropped and wiped, never returned.
//
// A card number can also arrive in pieces: a swipe split by a pause, or halves typed with
// Enter between them, none of which looks like a card alone. With a join window, a finished
// piece is held; pieces that follow within the window are joined to it (across an Enter, by a
// line break) and the filter judges the whole before anything is returned.
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

  // `join_window` 0: each scan is judged and returned alone, as soon as it ends.
  ScanAssembler(KeyboardLayout layout, std::chrono::milliseconds inter_key_timeout,
                std::chrono::milliseconds join_window = std::chrono::milliseconds(0));
  ~ScanAssembler();
  ScanAssembler(const ScanAssembler&) = delete;
  ScanAssembler& operator=(const ScanAssembler&) = delete;

  // A key pressed at `now`; returns a scan when this key ended one.
  std::optional<Scan> key(const KeyPress& press, Clock::time_point now);
  // Time passing without keys; returns a scan when the inter-key timeout ended one.
  std::optional<Scan> idle(Clock::time_point now);
  // Bytes held right now (for tests: zero between scans).
  std::size_t pending_size() const { return m_buffer.size() + m_held.size(); }

 private:
  // The piece being typed ended (by Enter or by a pause): hold it, or with no join window
  // judge and return it at once.
  std::optional<Scan> end_piece(bool by_enter, Clock::time_point now);
  // Judges everything held as one scan and forgets it.
  std::optional<Scan> release();
  void append(char32_t code_point);

  KeyboardLayout m_layout;
  std::chrono::milliseconds m_timeout;
  std::chrono::milliseconds m_join_window;
  std::string m_buffer;  // the piece being typed
  std::string m_held;    // finished pieces waiting out the join window, joined
  bool m_held_any = false;
  bool m_held_ended_by_enter = false;
  Clock::time_point m_held_until{};
  bool m_overflow = false;
  std::optional<Clock::time_point> m_last_key;
};

}  // namespace shubbak
