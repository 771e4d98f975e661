// Anti-aliased shapes as coverage masks, drawn through Canvas::draw_mask like glyphs (so the
// SDL backend uploads each size once).
#pragma once

#include "drivers/display/canvas.hpp"
#include "screens/ui/theme.hpp"

namespace shubbak {

// A filled disc of `diameter` pixels with its top-left corner at `top_left`.
void fill_circle(Canvas& canvas, Point top_left, int diameter, Color color);
// A ring of `diameter` pixels and `thickness`.
void stroke_circle(Canvas& canvas, Point top_left, int diameter, int thickness, Color color);

// The keypad's focus ring just inside `box`, in two tones so that it stands out from the screen's
// background and from a filled control alike (no one colour reaches 3:1 against both a light
// background and a dark button): the theme's text colour outside, its background inside.
void paint_focus_ring(Canvas& canvas, const Rect& box, const Theme& theme);

}  // namespace shubbak
