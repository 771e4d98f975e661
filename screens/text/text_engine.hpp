// Shubbak's text engine: correct Arabic, Latin, Indic scripts and digits in one paragraph, drawn on
// any Canvas (the screen, or a bitmap for receipts). Layouts are cached by text, style, width and
// direction, and glyph bitmaps by face, size and glyph, so an unchanged frame shapes nothing and
// rasterises nothing.
//
// Threading: one thread at a time (the UI thread for the screen; a receipt renderer may own its
// own engine).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "drivers/display/canvas.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/core/font_files.hpp"
#include "screens/text/text_types.hpp"

namespace shubbak {

namespace text {
struct ShapedParagraph;
}

class TextEngine {
 public:
  struct Counters {
    std::uint64_t layouts = 0;         // layouts computed (cache misses)
    std::uint64_t shape_calls = 0;     // HarfBuzz runs shaped (paragraphs are cached separately)
    std::uint64_t rasterisations = 0;  // glyphs rendered by FreeType
    std::uint64_t glyphs_drawn = 0;    // glyphs handed to a canvas
    // Lines drawn wider than the box they were given: text running over its widget, a layout
    // bug that tests of every language look for.
    std::uint64_t overflowing_lines = 0;
  };

  static Expected<std::unique_ptr<TextEngine>> open(const FontFiles& fonts);
  ~TextEngine();
  TextEngine(const TextEngine&) = delete;
  TextEngine& operator=(const TextEngine&) = delete;

  // Lays out UTF-8 text, wrapped at `max_width` pixels (<= 0: only at newlines). The result
  // stays valid while the caller holds it.
  Expected<std::shared_ptr<const TextLayout>> layout(std::string_view utf8, const TextStyle& style,
                                                     int max_width, TextDirection direction);

  // Draws each line aligned inside `box` (in the paragraph's reading direction), top-aligned.
  void draw(Canvas& canvas, const TextLayout& layout, const Rect& box, TextAlign align,
            Color color);

  // The x where `line` starts when drawn in `box` with `align` (what draw() uses).
  static int line_left(const TextLayout& layout, const TextLine& line, const Rect& box,
                       TextAlign align);

  const Counters& counters() const { return m_counters; }
  // How many font files the engine has read: Arabic, Latin and symbols at open, each other
  // script's on first use.
  std::size_t fonts_read() const;

 private:
  struct Impl;
  Expected<std::shared_ptr<const text::ShapedParagraph>> shaped_paragraph(
      std::string_view paragraph, const TextStyle& style, TextDirection direction);
  explicit TextEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
  Counters m_counters;
};

}  // namespace shubbak
