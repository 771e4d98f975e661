#include "drivers/hid/scan_assembler.hpp"

#include "drivers/hid/payment_card_filter.hpp"
#include "kiosk/core/bytes.hpp"

namespace shubbak {

ScanAssembler::ScanAssembler(KeyboardLayout layout, std::chrono::milliseconds inter_key_timeout,
                             std::chrono::milliseconds join_window)
    : m_layout(layout), m_timeout(inter_key_timeout), m_join_window(join_window) {
  m_buffer.reserve(k_capacity);
  m_held.reserve(k_capacity);
}

ScanAssembler::~ScanAssembler() {
  secure_wipe(m_buffer);
  secure_wipe(m_held);
}

void ScanAssembler::append(char32_t c) {
  char utf8[4];
  std::size_t n = 0;
  if (c < 0x80) {
    utf8[n++] = static_cast<char>(c);
  } else if (c < 0x800) {
    utf8[n++] = static_cast<char>(0xC0 | (c >> 6));
    utf8[n++] = static_cast<char>(0x80 | (c & 0x3F));
  } else {
    utf8[n++] = static_cast<char>(0xE0 | (c >> 12));
    utf8[n++] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    utf8[n++] = static_cast<char>(0x80 | (c & 0x3F));
  }
  if (m_buffer.size() + n > k_capacity - 1) {
    m_overflow = true;  // keep the capacity: never let the string reallocate
    return;
  }
  m_buffer.append(utf8, n);
  secure_wipe(utf8, sizeof utf8);
}

std::optional<Scan> ScanAssembler::key(const KeyPress& press, Clock::time_point now) {
  std::optional<Scan> ended;
  // A long pause before this key means the previous piece ended without Enter.
  if (m_last_key && now - *m_last_key > m_timeout && !m_buffer.empty())
    ended = end_piece(false, now);
  // Held pieces whose window passed before this key are a scan of their own.
  if (!ended && m_held_any && m_buffer.empty() && now > m_held_until) ended = release();
  m_last_key = now;
  if (press.usage == hid_usage::k_enter || press.usage == hid_usage::k_keypad_enter) {
    auto scan = end_piece(true, now);
    m_last_key.reset();
    return ended ? ended : scan;
  }
  if (press.usage == hid_usage::k_tab) {
    append(U'\t');
  } else {
    for (char32_t c : key_text(m_layout, press.usage, press.shift)) append(c);
  }
  return ended;
}

std::optional<Scan> ScanAssembler::idle(Clock::time_point now) {
  if (!m_buffer.empty() && m_last_key && now - *m_last_key > m_timeout) {
    m_last_key.reset();
    if (auto scan = end_piece(false, now)) return scan;
  }
  if (m_held_any && m_buffer.empty() && now > m_held_until) return release();
  return std::nullopt;
}

std::optional<Scan> ScanAssembler::end_piece(bool by_enter, Clock::time_point now) {
  if (m_buffer.empty() && !m_overflow) return std::nullopt;
  // Pieces split by Enter are joined by a line break (a separator to the filter); a pause
  // splits one piece of typing, so those join directly.
  std::size_t joint = m_held_any && m_held_ended_by_enter ? 1 : 0;
  if (m_held.size() + joint + m_buffer.size() > k_capacity - 1) {
    m_overflow = true;
  } else {
    if (joint) m_held.push_back('\n');
    m_held.append(m_buffer);
  }
  secure_wipe(m_buffer.data(), m_buffer.size());
  m_buffer.clear();  // keeps the capacity
  m_held_any = true;
  m_held_ended_by_enter = by_enter;
  m_held_until = now + m_join_window;
  if (m_join_window.count() == 0) return release();
  return std::nullopt;
}

std::optional<Scan> ScanAssembler::release() {
  if (!m_held_any) return std::nullopt;
  Scan scan;
  if (m_overflow) {
    scan.outcome = Scan::Outcome::dropped_too_long;
  } else if (looks_like_payment_card(m_held)) {
    scan.outcome = Scan::Outcome::dropped_payment_card;
  } else {
    scan.text.assign(m_held);
  }
  secure_wipe(m_held.data(), m_held.size());
  m_held.clear();  // keeps the capacity
  m_held_any = false;
  m_held_ended_by_enter = false;
  m_overflow = false;
  return scan;
}

}  // namespace shubbak
