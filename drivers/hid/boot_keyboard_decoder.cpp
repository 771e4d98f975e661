#include "drivers/hid/boot_keyboard_decoder.hpp"

#include <algorithm>

#include "kiosk/core/bytes.hpp"

namespace shubbak {

void BootKeyboardDecoder::feed(std::span<const std::uint8_t> report,
                               std::vector<KeyPress>& pressed) {
  if (report.size() != k_report_size) return;
  auto keys = report.subspan(2, 6);
  if (std::all_of(keys.begin(), keys.end(),
                  [](std::uint8_t k) { return k == hid_usage::k_error_rollover; })) {
    return;  // phantom state: keep the previous keys
  }
  bool shift = (report[0] & 0x22) != 0;  // left or right shift
  for (auto usage : keys) {
    if (usage < 0x04) continue;
    if (std::find(m_down.begin(), m_down.end(), usage) != m_down.end()) continue;
    pressed.push_back(KeyPress{usage, shift});
  }
  std::copy(keys.begin(), keys.end(), m_down.begin());
}

void BootKeyboardDecoder::wipe() {
  secure_wipe(m_down.data(), m_down.size());
}

}  // namespace shubbak
