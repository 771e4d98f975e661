// On-screen keyboards: Arabic, English (Latin), numeric, and the script of the language on screen
// where it has its own (Urdu, Farsi, Hindi, Bengali, Malayalam, Tamil: script_keyboard_rows.hpp),
// with keys to switch to Latin and to digits. Keys are at least one touch target high; rows keep
// the physical keyboards' order (ض top-left in Arabic, q in English) whatever the UI direction,
// as citizens know them from their phones.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "screens/ui/script_keyboard_rows.hpp"
#include "screens/ui/widget.hpp"

namespace shubbak {

class OnScreenKeyboard final : public Widget {
 public:
  // `script`: the letters of the language on screen when the keyboard opens.
  enum class Layout { arabic, english, numeric, script };

  OnScreenKeyboard(UiContext& ui, Layout layout, std::string id = "keyboard");

  Layout layout() const { return m_layout; }
  void set_layout(Layout layout);
  // Each key press as the KeyEvent a USB keyboard would give.
  void on_typed(std::function<void(const KeyEvent&)> handler) { m_on_typed = std::move(handler); }
  // Called when a switch of layout changes the keyboard's height (numbers have more rows than
  // the Latin letters): the screen gives it its new room.
  void on_resized(std::function<void()> handler) { m_on_resized = std::move(handler); }
  // A key by what it types ("ض", "q", "7") or its name ("space", "backspace", "enter", "shift",
  // "arabic", "english", "script", "numbers", "letters"), for scripted taps and tests.
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
  Layout m_home;     // the citizen's own letters, which the Latin layout switches back to
  const ScriptKeyboardRows* m_script = nullptr;  // the rows of Layout::script
  bool m_shift = false;
  std::vector<std::vector<Key>> m_rows;
  std::optional<std::size_t> m_pressed_row, m_pressed_key;
  std::function<void(const KeyEvent&)> m_on_typed;
  std::function<void()> m_on_resized;
};

}  // namespace shubbak
