// A Screen made of widgets: a root widget, an on-screen keyboard that opens under a focused
// text field, and an optional modal dialog on top. Relayouts when the theme or language
// changes. UI thread only.
#pragma once

#include <memory>

#include "screens/ui/dialog.hpp"
#include "screens/ui/on_screen_keyboard.hpp"
#include "screens/ui/screen.hpp"
#include "screens/ui/text_field.hpp"
#include "screens/ui/widget.hpp"

namespace shubbak {

class WidgetScreen : public Screen {
 public:
  WidgetScreen(UiContext& ui, std::unique_ptr<Widget> root);

  void draw(Canvas& canvas) override;
  void on_pointer(const PointerEvent& event) override;
  void on_key(const KeyEvent& event) override;
  // An element by id; "key:X" names a key of the on-screen keyboard, "DATE:day+" a stepper of
  // the date input DATE.
  std::optional<Rect> find_element(std::string_view id) const override;

  Widget& root() { return *m_root; }
  const Widget& root() const { return *m_root; }
  OnScreenKeyboard* keyboard() { return m_keyboard.get(); }
  Dialog* dialog() { return m_dialog.get(); }

  void show_keyboard(OnScreenKeyboard::Layout layout);
  void hide_keyboard();
  void show_dialog(std::unique_ptr<Dialog> dialog);
  // A banner across the top of the page (the idle warning); it takes the touches inside it.
  void show_banner(std::unique_ptr<Widget> banner);
  void hide_banner();
  Widget* banner() { return m_banner.get(); }
  // Closes the dialog after the current event, so a dialog button may close its own dialog.
  void close_dialog();
  void relayout();

 private:
  void focus_next(bool backwards);
  void wire_text_fields(Widget& root);

  UiContext& m_ui;
  std::unique_ptr<Widget> m_root;
  std::unique_ptr<OnScreenKeyboard> m_keyboard;
  std::unique_ptr<Dialog> m_dialog;
  std::unique_ptr<Dialog> m_closing;
  std::unique_ptr<Widget> m_banner;  // kept alive until the event that closed it returns
  Widget* m_pointer_target = nullptr;
};

}  // namespace shubbak
