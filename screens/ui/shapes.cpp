#include "screens/ui/shapes.hpp"

#include <cmath>
#include <map>
#include <vector>

namespace shubbak {

namespace {

// Masks by (diameter, thickness); thickness 0 is a filled disc. Keys carry a tag in the top
// bits so they never collide with glyph keys.
constexpr std::uint64_t k_shape_tag = 0xC1ull << 56;

const std::vector<std::uint8_t>& circle_mask(int diameter, int thickness) {
  static std::map<std::pair<int, int>, std::vector<std::uint8_t>> cache;
  auto [it, inserted] = cache.try_emplace({diameter, thickness});
  if (!inserted) return it->second;
  auto& mask = it->second;
  mask.resize(static_cast<std::size_t>(diameter * diameter));
  const double r = diameter / 2.0, inner = thickness > 0 ? r - thickness : -1.0;
  constexpr int k_samples = 4;  // 4x4 supersampling per pixel
  for (int y = 0; y < diameter; ++y) {
    for (int x = 0; x < diameter; ++x) {
      int hits = 0;
      for (int sy = 0; sy < k_samples; ++sy) {
        for (int sx = 0; sx < k_samples; ++sx) {
          double px = x + (sx + 0.5) / k_samples - r, py = y + (sy + 0.5) / k_samples - r;
          double d = std::sqrt(px * px + py * py);
          hits += d <= r && d >= inner;
        }
      }
      mask[static_cast<std::size_t>(y * diameter + x)] =
          static_cast<std::uint8_t>(hits * 255 / (k_samples * k_samples));
    }
  }
  return mask;
}

void draw_circle(Canvas& canvas, Point at, int diameter, int thickness, Color color) {
  if (diameter <= 0) return;
  const auto& mask = circle_mask(diameter, thickness);
  std::uint64_t key = k_shape_tag | (std::uint64_t(static_cast<unsigned>(thickness)) << 24) |
                      static_cast<unsigned>(diameter);
  canvas.draw_mask(key, {diameter, diameter, diameter, mask.data()}, at, color);
}

}  // namespace

void fill_circle(Canvas& canvas, Point top_left, int diameter, Color color) {
  draw_circle(canvas, top_left, diameter, 0, color);
}

void stroke_circle(Canvas& canvas, Point top_left, int diameter, int thickness, Color color) {
  draw_circle(canvas, top_left, diameter, thickness, color);
}

}  // namespace shubbak

namespace shubbak {

namespace {

void stroke_rect(Canvas& canvas, const Rect& r, int w, Color color) {
  canvas.fill_rect({r.x, r.y, r.width, w}, color);
  canvas.fill_rect({r.x, r.bottom() - w, r.width, w}, color);
  canvas.fill_rect({r.x, r.y, w, r.height}, color);
  canvas.fill_rect({r.right() - w, r.y, w, r.height}, color);
}

}  // namespace

void paint_focus_ring(Canvas& canvas, const Rect& box, const Theme& theme) {
  int outer = 2 * theme.border_px, inner = theme.border_px;
  stroke_rect(canvas, box, outer, theme.text);
  stroke_rect(canvas, {box.x + outer, box.y + outer, box.width - 2 * outer, box.height - 2 * outer},
              inner, theme.background);
}

}  // namespace shubbak
