// Caret positions, hit testing and caret movement over laid-out text. Positions are UTF-8 byte
// offsets at grapheme boundaries, so a caret never sits between a letter and its mark.
// In mixed-direction text one logical position has one visual x: the leading edge of the
// character after it (right edge for right-to-left characters).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "screens/text/text_types.hpp"

namespace shubbak {

struct CaretStop {
  std::uint32_t offset = 0;  // byte offset in the text
  int x = 0;                 // from the line's left edge, before alignment
  std::size_t line = 0;
};

// Every caret position of `text` as `layout` lays it out, in logical order.
std::vector<CaretStop> caret_stops(const TextLayout& layout, std::string_view text);

// The stop for `offset` (the nearest grapheme boundary at or before it).
CaretStop caret_at(const std::vector<CaretStop>& stops, std::uint32_t offset);

// The caret position nearest to a point given in line coordinates (x from the line's left,
// y from the layout's top).
std::uint32_t hit_test(const TextLayout& layout, const std::vector<CaretStop>& stops, int x, int y);

// One step left (-1) or right (+1) on screen, across direction boundaries; stays at the edges.
std::uint32_t move_visually(const std::vector<CaretStop>& stops, std::uint32_t offset, int step);

// Grapheme boundaries, for deleting by grapheme: the boundary after / before `offset`.
std::uint32_t next_grapheme(std::string_view text, std::uint32_t offset);
std::uint32_t previous_grapheme(std::string_view text, std::uint32_t offset);

}  // namespace shubbak
