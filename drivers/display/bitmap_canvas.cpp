#include "drivers/display/bitmap_canvas.hpp"

#include <algorithm>

namespace shubbak {

namespace {
std::uint32_t pack(Color c) {
  return (std::uint32_t{c.a} << 24) | (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
}
}  // namespace

BitmapCanvas::BitmapCanvas(Size size)
    : m_size(size),
      m_pixels(static_cast<std::size_t>(std::max(0, size.width) * std::max(0, size.height))) {}

void BitmapCanvas::clear(Color color) {
  std::fill(m_pixels.begin(), m_pixels.end(), pack(color));
}

void BitmapCanvas::blend(int x, int y, Color c, std::uint32_t coverage) {
  std::uint32_t alpha = coverage * c.a / 255;
  if (alpha == 0) return;
  std::uint32_t& dst = m_pixels[static_cast<std::size_t>(y * m_size.width + x)];
  auto mix = [alpha](std::uint32_t src, std::uint32_t d) {
    return (src * alpha + d * (255 - alpha) + 127) / 255;
  };
  std::uint32_t r = mix(c.r, (dst >> 16) & 0xFF), g = mix(c.g, (dst >> 8) & 0xFF),
                b = mix(c.b, dst & 0xFF);
  dst = 0xFF000000u | (r << 16) | (g << 8) | b;
}

Rect BitmapCanvas::visible() const {
  Rect all{0, 0, m_size.width, m_size.height};
  return m_clip ? intersect(all, *m_clip) : all;
}

void BitmapCanvas::fill_rect(const Rect& rect, Color color) {
  Rect area = intersect(rect, visible());
  int x0 = area.x, y0 = area.y, x1 = area.right(), y1 = area.bottom();
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      if (color.a == 255) {
        m_pixels[static_cast<std::size_t>(y * m_size.width + x)] = pack(color);
      } else {
        blend(x, y, color, 255);
      }
    }
  }
}

void BitmapCanvas::draw_mask(std::uint64_t, const AlphaMask& mask, Point at, Color color) {
  Rect area = visible();
  for (int row = 0; row < mask.height; ++row) {
    int y = at.y + row;
    if (y < area.y || y >= area.bottom()) continue;
    for (int col = 0; col < mask.width; ++col) {
      int x = at.x + col;
      if (x < area.x || x >= area.right()) continue;
      blend(x, y, color, mask.pixels[static_cast<std::ptrdiff_t>(row) * mask.pitch + col]);
    }
  }
}

}  // namespace shubbak

namespace shubbak {

Rect intersect(const Rect& a, const Rect& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

ClipScope::ClipScope(Canvas& canvas, std::optional<Rect>& current, const Rect& clip)
    : m_canvas(canvas), m_current(current), m_saved(current) {
  m_current = current ? intersect(*current, clip) : clip;
  m_canvas.set_clip(m_current);
}

ClipScope::~ClipScope() {
  m_current = m_saved;
  m_canvas.set_clip(m_current);
}

}  // namespace shubbak
