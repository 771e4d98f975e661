// Internal to screens/text: turns UTF-8 text into positioned glyphs, the way a browser does.
//   1. bidi: the Unicode Bidirectional Algorithm (ICU ubidi) splits each paragraph into level runs;
//   2. itemise: level runs are split again where the font changes (coverage fallback);
//   3. shape: HarfBuzz shapes each item, with the whole paragraph as context for joining;
//   4. break: ICU's line BreakIterator gives break opportunities; lines fill greedily;
//   5. reorder: each line's items go into visual order by rule L2, trailing spaces dropped (L1).
#pragma once

#include <string_view>

#include "kiosk/core/error.hpp"
#include "screens/text/font_faces.hpp"
#include "screens/text/text_types.hpp"

namespace shubbak::text {

struct LayoutCounters {
  std::uint64_t shape_calls = 0;
};

// `max_width` <= 0 means no wrapping (only explicit newlines break lines).
Expected<TextLayout> lay_out_paragraphs(FontFaces& faces, std::string_view utf8, const TextStyle& style,
                                        int max_width, TextDirection direction, LayoutCounters& counters);

}  // namespace shubbak::text
