// A loudspeaker drawn with plain shapes (no icon font needed): sound waves when `sounding`,
// none when muted. Mirrored for right-to-left layouts, so the waves point along the reading
// direction.
#pragma once

#include "drivers/display/canvas.hpp"

namespace shubbak {

void draw_speaker_mark(Canvas& canvas, const Rect& box, bool sounding, bool mirrored, Color color);

}  // namespace shubbak
