// A Canvas in memory (ARGB8888): receipts, tickets and tests draw with the same text engine as
// the screen, then read the pixels. Owned and used by one thread.
#pragma once

#include <cstdint>
#include <vector>

#include "drivers/display/canvas.hpp"

namespace shubbak {

class BitmapCanvas final : public Canvas {
 public:
  explicit BitmapCanvas(Size size);

  Size size() const override { return m_size; }
  void clear(Color color) override;
  void fill_rect(const Rect& rect, Color color) override;
  void draw_mask(std::uint64_t cache_key, const AlphaMask& mask, Point top_left,
                 Color color) override;
  void set_clip(std::optional<Rect> clip) override { m_clip = clip; }

  std::uint32_t pixel(int x, int y) const {
    return m_pixels[static_cast<std::size_t>(y * m_size.width + x)];
  }
  const std::vector<std::uint32_t>& pixels() const { return m_pixels; }

 private:
  void blend(int x, int y, Color color, std::uint32_t coverage);

  Rect visible() const;

  Size m_size;
  std::optional<Rect> m_clip;
  std::vector<std::uint32_t> m_pixels;
};

}  // namespace shubbak
