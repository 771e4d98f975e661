// Colours and text scale of the whole UI. Three themes, switchable at run time: the default,
// high contrast (for low vision, WCAG AAA contrast), and large text.
#pragma once

#include <optional>
#include <string_view>

#include "drivers/display/geometry.hpp"

namespace shubbak {

struct Theme {
  std::string_view name;
  Color background;  // the screen
  Color surface;     // fields, cards, secondary buttons
  Color surface_pressed;
  Color primary;  // primary buttons, header, selection marks
  Color primary_pressed;
  Color on_primary;  // text on primary
  Color text;
  Color text_muted;
  Color border;
  Color focus;      // focus ring and caret
  Color selection;  // selected text background
  Color danger;
  Color overlay;  // dims the screen behind a dialog
  double text_scale = 1.0;
  int border_px = 2;
};

const Theme& default_theme();
const Theme& high_contrast_theme();
const Theme& large_text_theme();
std::optional<const Theme*> theme_named(std::string_view name);

}  // namespace shubbak
