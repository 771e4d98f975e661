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
};

class Dialog final : public Container {
 public:
  Dialog(UiContext& ui, std::string title, std::string message, std::vector<DialogButton> buttons,
         std::string id = "dialog");

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
