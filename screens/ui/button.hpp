// A touch button at least one touch target (15 mm) high. Fires on release inside it; sliding off
// cancels, as on a phone. A label too long for the button's width (five buttons in a row, in a
// language with long words) wraps onto more lines, and the button grows to hold them.
#pragma once

#include <functional>

#include "screens/ui/widget.hpp"

namespace shubbak {

class Button final : public Widget {
 public:
  enum class Style { primary, secondary, danger };

  Button(UiContext& ui, std::string label, Style style = Style::primary, std::string id = {});

  void on_click(std::function<void()> handler) { m_on_click = std::move(handler); }
  void set_label(std::string label);
  const std::string& label() const { return m_label; }
  bool pressed() const { return m_pressed; }

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  bool on_key(const KeyEvent& event) override;
  bool focusable() const override { return true; }
  std::string announcement() const override;

 private:
  // Room between the label and the button's edges, on each side.
  int padding() const { return 3 * m_ui.unit(); }
  // The label laid out to fit `width` (the button's, padding included): on one line if it can.
  std::shared_ptr<const TextLayout> label_layout(int width);

  std::string m_label;
  Style m_style;
  bool m_pressed = false;
  std::function<void()> m_on_click;
};

}  // namespace shubbak
