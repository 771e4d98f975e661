// A keypad for PINs: digits 1-9 and 0, erase and enter, as buttons at least one touch target
// high. The digits keep the telephone order (1 2 3 left to right) in Arabic too, as on a
// phone or a bank terminal, and so do erase (left) and enter (right). Elements: "pin:0".."pin:9",
// "pin:erase", "pin:enter". UI thread only.
#pragma once

#include <functional>

#include "screens/ui/widget.hpp"

namespace shubbak {

class PinPad final : public Column {
 public:
  enum class Key { digit, erase, enter };

  explicit PinPad(UiContext& ui);
  // `digit` is '0'..'9' for Key::digit.
  void on_press(std::function<void(Key key, char digit)> handler) { m_on_key = std::move(handler); }

 private:
  std::function<void(Key, char)> m_on_key;
};

}  // namespace shubbak
