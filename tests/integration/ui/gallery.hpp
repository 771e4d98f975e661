// Screens that show every widget, in Arabic or English, for golden screenshots and benchmarks.
#pragma once

#include <memory>

#include "screens/ui/widget_screen.hpp"

namespace shubbak::testing {

// Every widget on one screen, with the strings that break naive text engines.
std::unique_ptr<WidgetScreen> make_gallery(UiContext& ui);
// A form with a focused text field and the on-screen keyboard open in `layout`.
std::unique_ptr<WidgetScreen> make_keyboard_screen(UiContext& ui, OnScreenKeyboard::Layout layout);
// A seed paragraph wrapped at three widths.
std::unique_ptr<WidgetScreen> make_paragraph_screen(UiContext& ui);

}  // namespace shubbak::testing
