#include "screens/shell/speaker_mark.hpp"

#include <algorithm>

#include "screens/ui/shapes.hpp"

namespace shubbak {

void draw_speaker_mark(Canvas& canvas, const Rect& box, bool sounding, bool mirrored, Color color) {
  const int s = std::min(box.width, box.height);
  const int left = box.x + (box.width - s) / 2, top = box.y + (box.height - s) / 2;
  // Shapes are described facing right; a mirrored mark flips each x range inside the square.
  auto span = [&](int x, int width) { return mirrored ? left + s - (x - left) - width : x; };

  const int body_w = s * 18 / 100, body_h = s * 26 / 100;
  const int body_x = left + s * 12 / 100, body_y = top + (s - body_h) / 2;
  canvas.fill_rect({span(body_x, body_w), body_y, body_w, body_h}, color);
  // The cone widens from the body's height to most of the square, one pixel column at a time.
  const int cone_x = body_x + body_w, cone_w = s * 20 / 100;
  for (int i = 0; i < cone_w; ++i) {
    int h = body_h + (s * 64 / 100 - body_h) * i / std::max(1, cone_w - 1);
    canvas.fill_rect({span(cone_x + i, 1), top + (s - h) / 2, 1, h}, color);
  }
  if (!sounding) return;
  // Two arcs: rings around the cone's mouth, clipped to the side the sound goes.
  const int mouth_x = cone_x + cone_w, thickness = std::max(2, s / 14);
  canvas.set_clip(Rect{span(mouth_x + thickness, left + s - mouth_x - thickness), top,
                       left + s - mouth_x - thickness, s});
  for (int diameter : {s * 40 / 100, s * 72 / 100}) {
    int centre_x = mirrored ? left + s - (mouth_x - left) : mouth_x;
    stroke_circle(canvas, {centre_x - diameter / 2, top + (s - diameter) / 2}, diameter, thickness,
                  color);
  }
  canvas.set_clip(std::nullopt);
}

}  // namespace shubbak
