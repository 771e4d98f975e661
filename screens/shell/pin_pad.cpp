#include "screens/shell/pin_pad.hpp"

#include <array>
#include <string>

#include "screens/ui/button.hpp"

namespace shubbak {

PinPad::PinPad(UiContext& ui) : Column(ui, ui.unit(), 0, Align::stretch, "pin_pad") {
  // Row lays its children out in reading order; the digits must not mirror, so in Arabic they
  // are added right to left.
  const bool rtl = ui.right_to_left();
  auto add_row = [&](std::array<std::string, 3> keys) {
    Row& row = add<Row>(ui.unit());
    for (int i = 0; i < 3; ++i) {
      const std::string& key = keys[static_cast<std::size_t>(rtl ? 2 - i : i)];
      std::string label = key == "erase"   ? std::string(ui.message("technician.pin_erase"))
                          : key == "enter" ? std::string(ui.message("technician.pin_enter"))
                                           : key;
      auto style = key == "enter" ? Button::Style::primary : Button::Style::secondary;
      row.add<Button>(label, style, "pin:" + key).on_click([this, key] {
        if (!m_on_key) return;
        if (key == "erase") return m_on_key(Key::erase, 0);
        if (key == "enter") return m_on_key(Key::enter, 0);
        m_on_key(Key::digit, key[0]);
      });
    }
  };
  add_row({"1", "2", "3"});
  add_row({"4", "5", "6"});
  add_row({"7", "8", "9"});
  add_row({"erase", "0", "enter"});
}

}  // namespace shubbak
