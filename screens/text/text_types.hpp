// The vocabulary of the text engine: styles in, positioned glyphs out.
#pragma once

#include <cstdint>
#include <vector>

#include "kiosk/core/language.hpp"

namespace shubbak {

enum class FontWeight : std::uint8_t { regular, bold };

// A paragraph's base direction: from its first strong character, or forced by the locale.
enum class TextDirection : std::uint8_t { automatic, left_to_right, right_to_left };

// Alignment in the reading direction: `start` is the right edge of a right-to-left paragraph.
enum class TextAlign : std::uint8_t { start, center, end };

// How Arabic-script text is drawn: Naskh (Arabic, Farsi) or Nastaliq (Urdu, whose readers take
// Naskh for a foreign hand).
enum class ArabicStyle : std::uint8_t { naskh, nastaliq };

// The hand a language writes Arabic script in: Nastaliq for Urdu, Naskh for the others.
constexpr ArabicStyle arabic_style(Language language) {
  return language == Language::ur ? ArabicStyle::nastaliq : ArabicStyle::naskh;
}

struct TextStyle {
  int size_px = 32;
  FontWeight weight = FontWeight::regular;
  ArabicStyle arabic = ArabicStyle::naskh;
  friend bool operator==(const TextStyle&, const TextStyle&) = default;
};

// One glyph placed on its line; x is from the line's left edge, y is the baseline offset.
struct PositionedGlyph {
  std::uint16_t face = 0;  // index into the engine's faces
  std::uint32_t glyph = 0;
  std::uint32_t cluster = 0;  // byte offset in the UTF-8 text of the first character it draws
  int x = 0;
  int y = 0;
  int advance = 0;             // pen advance, pixels
  bool right_to_left = false;  // its run's direction: the caret leads on its right edge
};

struct TextLine {
  std::uint32_t start = 0;  // byte offsets of the text on this line, trailing spaces included
  std::uint32_t end = 0;
  std::size_t first_glyph = 0;
  std::size_t glyph_count = 0;
  int width = 0;     // of the visible glyphs, trailing spaces excluded
  int baseline = 0;  // from the top of the layout
};

struct TextLayout {
  std::vector<PositionedGlyph> glyphs;
  std::vector<TextLine> lines;
  int width = 0;  // of the widest line
  int height = 0;
  int line_height = 0;
  bool right_to_left = false;  // the base direction of the (first) paragraph
  TextStyle style;
};

}  // namespace shubbak
