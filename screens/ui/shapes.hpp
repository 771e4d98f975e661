// Anti-aliased shapes as coverage masks, drawn through Canvas::draw_mask like glyphs (so the
// SDL backend uploads each size once).
#pragma once

#include "drivers/display/canvas.hpp"

namespace shubbak {

// A filled disc of `diameter` pixels with its top-left corner at `top_left`.
void fill_circle(Canvas& canvas, Point top_left, int diameter, Color color);
// A ring of `diameter` pixels and `thickness`.
void stroke_circle(Canvas& canvas, Point top_left, int diameter, int thickness, Color color);

}  // namespace shubbak
