// A modal dialog: dims the screen, shows a title, a message and its buttons, and takes every
// touch until it is closed (a touch outside it does nothing).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "screens/ui/widget.hpp"

namespace shubbak {

class Column;

struct DialogButton {
  std::string label;
  std::function<void()> action;
  std::string id;
  bool primary = false;  // drawn as the primary choice; without any, the first is
};

class Dialog final : public Container {
 public:
  // The buttons go in rows of `buttons_per_row` (0: all in one row).
  Dialog(UiContext& ui, std::string title, std::string message, std::vector<DialogButton> buttons,
         std::string id = "dialog", std::size_t buttons_per_row = 0);

  Size measure(int available_width) override;
  void arrange(const Rect& bounds) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  const Rect& panel() const { return m_panel; }

 private:
  Column* m_content = nullptr;
  Rect m_panel;
};

}  // namespace shubbak
