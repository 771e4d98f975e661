// What screens draw on. The SDL backend draws into the window; a bitmap canvas (receipts) draws
// into memory. Owned by whoever created it; used only on the thread drawing the frame.
#pragma once

#include <cstdint>
#include <optional>

#include "drivers/display/geometry.hpp"

namespace shubbak {

// An 8-bit coverage bitmap, such as a rasterised glyph. Not owned.
struct AlphaMask {
  int width = 0;
  int height = 0;
  int pitch = 0;  // bytes from one row to the next
  const std::uint8_t* pixels = nullptr;
};

class Canvas {
 public:
  virtual ~Canvas() = default;

  virtual Size size() const = 0;
  virtual void clear(Color color) = 0;
  virtual void fill_rect(const Rect& rect, Color color) = 0;

  // Draws `mask` tinted with `color`, its top-left corner at `top_left`. `cache_key` names the
  // mask's content for good (same key, same pixels), so a backend may keep an uploaded copy and
  // skip the upload next time.
  virtual void draw_mask(std::uint64_t cache_key, const AlphaMask& mask, Point top_left,
                         Color color) = 0;

  // Limits drawing to `clip` until it is reset with nullopt (scrolling lists, text fields).
  virtual void set_clip(std::optional<Rect> clip) = 0;
};

// Restores the previous clip when it goes out of scope; clips nest by intersection.
class ClipScope {
 public:
  ClipScope(Canvas& canvas, std::optional<Rect>& current, const Rect& clip);
  ~ClipScope();
  ClipScope(const ClipScope&) = delete;
  ClipScope& operator=(const ClipScope&) = delete;

 private:
  Canvas& m_canvas;
  std::optional<Rect>& m_current;
  std::optional<Rect> m_saved;
};

Rect intersect(const Rect& a, const Rect& b);

}  // namespace shubbak
