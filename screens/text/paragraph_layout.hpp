// Internal to screens/text: turns UTF-8 text into positioned glyphs, the way a browser does.
//   1. bidi: the Unicode Bidirectional Algorithm (ICU ubidi, with bracket pairs) resolves levels;
//   2. itemise: level runs are split again where the font changes (coverage fallback);
//   3. shape: HarfBuzz shapes each item, with the whole paragraph as context for joining;
//   4. break: ICU's line BreakIterator gives break opportunities; lines fill greedily;
//   5. reorder: each line's items go into visual order by rule L2, trailing spaces dropped (L1).
// Steps 1-3 depend only on the paragraph, its style and direction, so their result
// (ShapedParagraph) is cached and re-wrapped at any width without shaping again.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <unicode/ubidi.h>
#include <unicode/unistr.h>

#include "kiosk/core/error.hpp"
#include "screens/text/font_faces.hpp"
#include "screens/text/text_types.hpp"

namespace shubbak::text {

struct ShapedGlyph {
  std::uint32_t glyph;
  std::int32_t cluster;  // UTF-16 index in the paragraph of the first character it draws
  hb_position_t x_advance, x_offset, y_offset;
};

struct ShapedItem {
  std::int32_t start, end;  // UTF-16 indices within the paragraph
  UBiDiLevel level;
  std::uint16_t face;
  std::vector<ShapedGlyph> glyphs;  // in visual order (HarfBuzz's output order)
};

struct ShapedParagraph {
  icu::UnicodeString text;
  std::vector<std::uint32_t>
      utf8_offsets;  // per UTF-16 index (+1 for the end): byte offset in the paragraph
  UBiDiLevel paragraph_level = 0;
  std::vector<ShapedItem> items;
  std::vector<hb_position_t> advance;  // per UTF-16 index: the advance of the glyphs it starts
  int shape_calls = 0;
};

// Steps 1-3 for one paragraph (no newline inside).
Expected<std::shared_ptr<const ShapedParagraph>> shape_paragraph(FontFaces& faces,
                                                                 std::string_view utf8,
                                                                 const TextStyle& style,
                                                                 TextDirection direction);

struct LineMetrics {
  int ascender = 0;
  int line_height = 0;
};

// Steps 4-5: appends the paragraph's lines to `out`; `base_offset` is the paragraph's byte offset
// in the whole text. `max_width` <= 0 means no wrapping.
void append_lines(const ShapedParagraph& paragraph, int max_width, std::uint32_t base_offset,
                  const LineMetrics& metrics, TextLayout& out);

// The line metrics every line of a style gets, whatever script it holds, so mixed lines align.
// The line height of a layout of `style` holding `paragraphs`.
Expected<LineMetrics> line_metrics(FontFaces& faces, const TextStyle& style,
                                   std::span<const ShapedParagraph* const> paragraphs);

}  // namespace shubbak::text
