#include "screens/text/caret.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <unicode/brkiter.h>
#include <unicode/utext.h>

namespace shubbak {

namespace {

struct UTextCloser {
  void operator()(UText* t) const { utext_close(t); }
};

// Grapheme boundaries of UTF-8 text, as byte offsets (ICU iterates UTF-8 natively via UText).
std::vector<std::uint32_t> grapheme_boundaries(std::string_view text) {
  std::vector<std::uint32_t> out{0};
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UText, UTextCloser> utext(
      utext_openUTF8(nullptr, text.data(), static_cast<std::int64_t>(text.size()), &status));
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) {
    out.push_back(static_cast<std::uint32_t>(text.size()));
    return out;
  }
  it->setText(utext.get(), status);
  for (std::int32_t p = it->next(); p != icu::BreakIterator::DONE; p = it->next()) {
    out.push_back(static_cast<std::uint32_t>(p));
  }
  return out;
}

// The x of the caret before the character at `offset` on `line`.
int caret_x(const TextLayout& layout, const TextLine& line, std::uint32_t offset) {
  const PositionedGlyph* begin = layout.glyphs.data() + line.first_glyph;
  const PositionedGlyph* end = begin + line.glyph_count;
  // The glyph starting at offset, else the one whose cluster (a ligature) contains it.
  const PositionedGlyph* exact = nullptr;
  const PositionedGlyph* containing = nullptr;
  std::uint32_t next_cluster = line.end;
  for (const auto* g = begin; g != end; ++g) {
    if (g->cluster == offset && g->advance > 0) exact = g;
    if (g->cluster < offset && g->advance > 0 && (!containing || g->cluster > containing->cluster))
      containing = g;
  }
  if (exact) return exact->right_to_left ? exact->x + exact->advance : exact->x;
  bool at_end = offset >= line.end || !containing;
  if (at_end) return layout.right_to_left ? 0 : line.width;
  // The ligature ends where the next glyph with an advance starts: zero-advance glyphs (the
  // alef of lam-alef in some fonts) are drawn inside it.
  for (const auto* g = begin; g != end; ++g) {
    if (g->advance > 0 && g->cluster > containing->cluster && g->cluster < next_cluster)
      next_cluster = g->cluster;
  }
  double fraction =
      next_cluster > containing->cluster
          ? static_cast<double>(offset - containing->cluster) / (next_cluster - containing->cluster)
          : 0.0;
  double into = fraction * containing->advance;
  return static_cast<int>(std::lround(containing->right_to_left
                                          ? containing->x + containing->advance - into
                                          : containing->x + into));
}

}  // namespace

std::vector<CaretStop> caret_stops(const TextLayout& layout, std::string_view text) {
  std::vector<CaretStop> stops;
  for (std::uint32_t offset : grapheme_boundaries(text)) {
    std::size_t line = 0;
    // A boundary belongs to the line it starts; the text's end belongs to the last line.
    while (line + 1 < layout.lines.size() && offset >= layout.lines[line + 1].start) ++line;
    if (layout.lines.empty()) {
      stops.push_back({offset, 0, 0});
      continue;
    }
    stops.push_back({offset, caret_x(layout, layout.lines[line], offset), line});
  }
  return stops;
}

CaretStop caret_at(const std::vector<CaretStop>& stops, std::uint32_t offset) {
  CaretStop best = stops.empty() ? CaretStop{} : stops.front();
  for (const auto& s : stops) {
    if (s.offset <= offset) best = s;
  }
  return best;
}

std::uint32_t hit_test(const TextLayout& layout, const std::vector<CaretStop>& stops, int x,
                       int y) {
  if (stops.empty()) return 0;
  std::size_t line =
      layout.line_height > 0 ? static_cast<std::size_t>(std::max(0, y) / layout.line_height) : 0;
  if (!layout.lines.empty()) line = std::min(line, layout.lines.size() - 1);
  const CaretStop* best = nullptr;
  for (const auto& s : stops) {
    if (s.line != line) continue;
    if (!best || std::abs(s.x - x) < std::abs(best->x - x)) best = &s;
  }
  return best ? best->offset : stops.back().offset;
}

std::uint32_t move_visually(const std::vector<CaretStop>& stops, std::uint32_t offset, int step) {
  CaretStop here = caret_at(stops, offset);
  const CaretStop* best = nullptr;
  for (const auto& s : stops) {
    if (s.line != here.line || s.offset == here.offset) continue;
    bool ahead = step < 0 ? s.x < here.x : s.x > here.x;
    if (!ahead) continue;
    if (!best || std::abs(s.x - here.x) < std::abs(best->x - here.x)) best = &s;
  }
  return best ? best->offset : here.offset;
}

std::uint32_t next_grapheme(std::string_view text, std::uint32_t offset) {
  for (std::uint32_t b : grapheme_boundaries(text)) {
    if (b > offset) return b;
  }
  return static_cast<std::uint32_t>(text.size());
}

std::uint32_t previous_grapheme(std::string_view text, std::uint32_t offset) {
  std::uint32_t previous = 0;
  for (std::uint32_t b : grapheme_boundaries(text)) {
    if (b >= offset) break;
    previous = b;
  }
  return previous;
}

}  // namespace shubbak
