#include "tests/support/usb/fake_hid_keyboard.hpp"

#include <stdexcept>
#include <string>

#include "kiosk/core/bytes.hpp"

namespace shubbak::testing {

namespace {

// US layout: the usage and shift state that type an ASCII character.
std::pair<std::uint8_t, bool> usage_for(char c) {
  if (c >= 'a' && c <= 'z') return {static_cast<std::uint8_t>(0x04 + (c - 'a')), false};
  if (c >= 'A' && c <= 'Z') return {static_cast<std::uint8_t>(0x04 + (c - 'A')), true};
  if (c >= '1' && c <= '9') return {static_cast<std::uint8_t>(0x1E + (c - '1')), false};
  if (c == '0') return {0x27, false};
  static constexpr std::string_view shifted_digits = "!@#$%^&*()";
  if (auto at = shifted_digits.find(c); at != std::string_view::npos) {
    return {static_cast<std::uint8_t>(0x1E + at), true};
  }
  static constexpr std::string_view plain = " -=[]\\;'`,./";
  static constexpr std::string_view shifted = " _+{}|:\"~<>?";
  static constexpr std::uint8_t usages[] = {0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31,
                                            0x33, 0x34, 0x35, 0x36, 0x37, 0x38};
  if (auto at = plain.find(c); at != std::string_view::npos) return {usages[at], false};
  if (auto at = shifted.find(c); at != std::string_view::npos) return {usages[at], true};
  throw std::invalid_argument("no US key types this character");
}

}  // namespace

FakeHidKeyboard::FakeHidKeyboard(std::uint16_t vendor_id, std::uint16_t product_id)
    : m_vendor_id(vendor_id), m_product_id(product_id) {}

Bytes FakeHidKeyboard::descriptors() const {
  // HID class descriptor: HID 1.11, one report descriptor of 63 bytes.
  Bytes hid{9, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 63, 0x00};
  InterfaceSpec keyboard{0x03, 0x01, 0x01, hid, {{0x81, 3, 8}}};
  return usb_descriptors(m_vendor_id, m_product_id, {keyboard});
}

EmulatedBehaviour::Outcome FakeHidKeyboard::out(std::uint8_t, ByteView) {
  return Outcome::done;
}

EmulatedBehaviour::InAnswer FakeHidKeyboard::in(std::uint8_t endpoint, std::size_t max) {
  std::lock_guard lock(m_mutex);
  if (endpoint != 0x81 || m_halted) return InAnswer{InAnswer::State::stall, {}};
  if (m_reports.empty()) return {};
  InAnswer answer{InAnswer::State::data, std::move(m_reports.front())};
  m_reports.pop_front();
  if (answer.data.size() > max) answer.data.resize(max);
  return answer;
}

EmulatedBehaviour::InAnswer FakeHidKeyboard::control(ByteView setup, ByteView) {
  // HID class requests to interface 0: SET_IDLE (0x0A) and SET_PROTOCOL (0x0B).
  if (setup[0] == 0x21 && setup[1] == 0x0B && setup[4] == 0) {
    m_protocol = setup[2];
    return InAnswer{InAnswer::State::data, {}};
  }
  if (setup[0] == 0x21 && setup[1] == 0x0A && setup[4] == 0) {
    m_idle_set = true;
    return InAnswer{InAnswer::State::data, {}};
  }
  return InAnswer{InAnswer::State::stall, {}};
}

std::string FakeHidKeyboard::kernel_driver(std::uint8_t) {
  return m_detached ? "" : "usbhid";
}
void FakeHidKeyboard::driver_detached(std::uint8_t) {
  m_detached = true;
}

void FakeHidKeyboard::halt_cleared(std::uint8_t endpoint) {
  if (endpoint != 0x81) return;
  m_halted = false;
  ++m_halts_cleared;
}

void FakeHidKeyboard::press_usages(std::initializer_list<std::pair<std::uint8_t, bool>> usages) {
  std::lock_guard lock(m_mutex);
  for (auto [usage, shift] : usages) {
    m_reports.push_back(
        Bytes{static_cast<std::uint8_t>(shift ? 0x02 : 0x00), 0, usage, 0, 0, 0, 0, 0});
    m_reports.push_back(Bytes(8, 0));
  }
}

void FakeHidKeyboard::type(std::string_view ascii, bool enter) {
  std::lock_guard lock(m_mutex);
  for (char c : ascii) {
    auto [usage, shift] = usage_for(c);
    m_reports.push_back(
        Bytes{static_cast<std::uint8_t>(shift ? 0x02 : 0x00), 0, usage, 0, 0, 0, 0, 0});
    m_reports.push_back(Bytes(8, 0));
  }
  if (enter) {
    m_reports.push_back(Bytes{0, 0, 0x28, 0, 0, 0, 0, 0});
    m_reports.push_back(Bytes(8, 0));
  }
}

bool FakeHidKeyboard::drained() const {
  std::lock_guard lock(m_mutex);
  return m_reports.empty();
}

}  // namespace shubbak::testing
