#include "drivers/hid/scan_assembler.hpp"

#include "drivers/hid/payment_card_filter.hpp"
#include "kiosk/core/bytes.hpp"

namespace shubbak {

ScanAssembler::ScanAssembler(KeyboardLayout layout, std::chrono::milliseconds inter_key_timeout)
    : m_layout(layout), m_timeout(inter_key_timeout) {
  m_buffer.reserve(k_capacity);
}

ScanAssembler::~ScanAssembler() {
  secure_wipe(m_buffer);
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
  // A long pause before this key means the previous scan ended without Enter.
  if (m_last_key && now - *m_last_key > m_timeout && !m_buffer.empty()) ended = finish();
  m_last_key = now;
  if (press.usage == hid_usage::k_enter || press.usage == hid_usage::k_keypad_enter) {
    auto scan = finish();
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
  if (m_buffer.empty() || !m_last_key || now - *m_last_key <= m_timeout) return std::nullopt;
  m_last_key.reset();
  return finish();
}

std::optional<Scan> ScanAssembler::finish() {
  if (m_buffer.empty() && !m_overflow) return std::nullopt;
  Scan scan;
  if (m_overflow) {
    scan.outcome = Scan::Outcome::dropped_too_long;
  } else if (looks_like_payment_card(m_buffer)) {
    scan.outcome = Scan::Outcome::dropped_payment_card;
  } else {
    scan.text.assign(m_buffer);
  }
  secure_wipe(m_buffer.data(), m_buffer.size());
  m_buffer.clear();  // keeps the capacity
  m_overflow = false;
  return scan;
}

}  // namespace shubbak
