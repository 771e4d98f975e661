// On-screen keyboards: Arabic, English and numeric, with keys to switch between them. Keys are
// at least one touch target high; rows keep the physical keyboards' order (ض top-left in
// Arabic, q in English) whatever the UI direction, as citizens know them from their phones.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "screens/ui/widget.hpp"

namespace shubbak {

class OnScreenKeyboard final : public Widget {
 public:
  enum class Layout { arabic, english, numeric };

  OnScreenKeyboard(UiContext& ui, Layout layout, std::string id = "keyboard");

  Layout layout() const { return m_layout; }
  void set_layout(Layout layout);
  // Each key press as the KeyEvent a USB keyboard would give.
  void on_typed(std::function<void(const KeyEvent&)> handler) { m_on_typed = std::move(handler); }
  // A key by what it types ("ض", "q", "7") or its name ("space", "backspace", "enter", "shift",
  // "arabic", "english", "numbers", "letters"), for scripted taps and tests.
  std::optional<Rect> key_bounds(std::string_view key) const;

  Size measure(int available_width) override;
  void arrange(const Rect& bounds) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;

 private:
  struct Key {
    std::string name;   // what it types, or its function's name
    std::string label;  // what it shows
    double weight = 1;  // width in key units
    Rect bounds;
    bool special = false;  // a function (shift, space, enter...), not a character
  };

  void build_keys();
  void press(const Key& key);
  int key_height() const;

  Layout m_layout;
  Layout m_letters;  // the letter layout to return to from the numbers
  bool m_shift = false;
  std::vector<std::vector<Key>> m_rows;
  std::optional<std::size_t> m_pressed_row, m_pressed_key;
  std::function<void(const KeyEvent&)> m_on_typed;
};

}  // namespace shubbak
