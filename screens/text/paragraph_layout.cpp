#include "screens/text/paragraph_layout.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include <fmt/format.h>
#include <unicode/brkiter.h>
#include <unicode/ubidi.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

namespace shubbak::text {

namespace {

// 26.6 fixed point, as HarfBuzz-over-FreeType reports positions.
constexpr int k_unit = 64;
int to_pixels(hb_position_t v) { return static_cast<int>(std::lround(static_cast<double>(v) / k_unit)); }

struct ShapedGlyph {
  std::uint32_t glyph;
  std::int32_t cluster;  // UTF-16 index of the first character it draws
  hb_position_t x_advance, x_offset, y_offset;
};

struct Item {
  std::int32_t start, end;  // UTF-16 indices within the paragraph
  UBiDiLevel level;
  std::uint16_t face;
  std::vector<ShapedGlyph> glyphs;  // in visual order (HarfBuzz's output order)
};

struct BidiCloser {
  void operator()(UBiDi* b) const { ubidi_close(b); }
};

// Lays out one paragraph (no newline inside) and appends its lines to `out`.
class ParagraphLayout {
 public:
  // `utf8_offsets` maps each UTF-16 index of this paragraph to its byte offset in the UTF-8 text.
  ParagraphLayout(FontFaces& faces, const TextStyle& style, LayoutCounters& counters,
                  std::span<const std::uint32_t> utf8_offsets)
      : m_faces(faces), m_style(style), m_counters(counters), m_utf8_offsets(utf8_offsets) {}

  Expected<void> run(const icu::UnicodeString& para, int max_width, TextDirection direction,
                     int ascender, int line_height, TextLayout& out) {
    m_text = para.getBuffer();
    m_length = para.length();
    if (auto ok = resolve_levels(direction); !ok) return ok;
    if (out.lines.empty()) out.right_to_left = (m_paragraph_level & 1) != 0;
    if (auto ok = itemise_and_shape(); !ok) return ok;
    std::vector<std::int32_t> breaks = line_breaks(para, max_width);
    std::int32_t start = 0;
    for (std::int32_t end : breaks) {
      emit_line(start, end, ascender, line_height, out);
      start = end;
    }
    return {};
  }

 private:
  Expected<void> resolve_levels(TextDirection direction) {
    UErrorCode status = U_ZERO_ERROR;
    m_bidi.reset(ubidi_openSized(m_length, 0, &status));
    UBiDiLevel level = direction == TextDirection::left_to_right   ? 0
                       : direction == TextDirection::right_to_left ? 1
                                                                   : UBIDI_DEFAULT_LTR;
    ubidi_setPara(m_bidi.get(), m_text, m_length, level, nullptr, &status);
    if (U_FAILURE(status)) return fail(Errc::internal, fmt::format("ubidi_setPara: {}", u_errorName(status)));
    m_paragraph_level = ubidi_getParaLevel(m_bidi.get());
    m_levels = m_length > 0 ? ubidi_getLevels(m_bidi.get(), &status) : nullptr;
    if (U_FAILURE(status)) return fail(Errc::internal, fmt::format("ubidi_getLevels: {}", u_errorName(status)));
    return {};
  }

  Expected<void> itemise_and_shape() {
    struct CodePoint {
      std::int32_t start, end;
      char32_t value;
      std::optional<std::uint16_t> face;
    };
    std::vector<CodePoint> cps;
    for (std::int32_t i = 0; i < m_length;) {
      std::int32_t at = i;
      UChar32 cp;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"  // inside ICU's macro
      U16_NEXT(m_text, i, m_length, cp);
#pragma GCC diagnostic pop
      cps.push_back({at, i, static_cast<char32_t>(cp), std::nullopt});
    }
    // Neutral characters (spaces, digits, punctuation) take the face of the text before them,
    // or, at the start of a paragraph, of the text after them: "(مرحبا)" keeps both brackets in
    // one face.
    std::optional<std::uint16_t> previous;
    for (std::size_t k = 0; k < cps.size(); ++k) {
      std::optional<std::uint16_t> context = previous;
      if (!context) {
        for (std::size_t n = k; n < cps.size() && !context; ++n) {
          if (!m_faces.is_neutral(cps[n].value)) context = m_faces.choose(cps[n].value, m_style.weight, std::nullopt);
        }
      }
      cps[k].face = m_faces.choose(cps[k].value, m_style.weight, context);
      previous = cps[k].face;
    }
    for (const auto& cp : cps) {
      std::uint16_t face = *cp.face;
      if (m_items.empty() || m_items.back().level != m_levels[cp.start] || m_items.back().face != face) {
        m_items.push_back(Item{cp.start, cp.end, m_levels[cp.start], face, {}});
      } else {
        m_items.back().end = cp.end;
      }
    }
    m_advance.assign(static_cast<std::size_t>(m_length), 0);
    for (auto& item : m_items) {
      if (auto ok = shape(item); !ok) return ok;
    }
    return {};
  }

  Expected<void> shape(Item& item) {
    auto sized = m_faces.sized(item.face, m_style.size_px);
    if (!sized) return std::unexpected(sized.error());
    hb_buffer_t* buffer = hb_buffer_create();
    // The whole paragraph goes in as context, so letters join across item boundaries.
    hb_buffer_add_utf16(buffer, reinterpret_cast<const std::uint16_t*>(m_text), m_length,
                        static_cast<unsigned>(item.start), item.end - item.start);
    hb_buffer_set_direction(buffer, (item.level & 1) ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_guess_segment_properties(buffer);
    hb_shape((*sized)->font, buffer, nullptr, 0);
    ++m_counters.shape_calls;
    unsigned count = 0;
    hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
    hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
    item.glyphs.reserve(count);
    for (unsigned g = 0; g < count; ++g) {
      auto cluster = static_cast<std::int32_t>(info[g].cluster);
      item.glyphs.push_back({info[g].codepoint, cluster, pos[g].x_advance, pos[g].x_offset, pos[g].y_offset});
      m_advance[static_cast<std::size_t>(cluster)] += pos[g].x_advance;
    }
    hb_buffer_destroy(buffer);
    return {};
  }

  bool is_space_at(std::int32_t i) const { return u_isWhitespace(m_text[i]) || m_text[i] == 0x00A0; }

  std::int32_t trim_trailing_spaces(std::int32_t start, std::int32_t end) const {
    while (end > start && is_space_at(end - 1)) --end;
    return end;
  }

  hb_position_t width(std::int32_t start, std::int32_t end) const {
    hb_position_t sum = 0;
    for (std::int32_t i = start; i < end; ++i) sum += m_advance[static_cast<std::size_t>(i)];
    return sum;
  }

  // Greedy filling at the line BreakIterator's opportunities; a word wider than the line is cut
  // at grapheme boundaries. Returns each line's end.
  std::vector<std::int32_t> line_breaks(const icu::UnicodeString& para, int max_width) const {
    std::vector<std::int32_t> ends;
    if (max_width <= 0 || m_length == 0) {
      ends.push_back(m_length);
      return ends;
    }
    const hb_position_t limit = static_cast<hb_position_t>(max_width) * k_unit;
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale((m_paragraph_level & 1) ? "ar" : "en");
    std::unique_ptr<icu::BreakIterator> lines(icu::BreakIterator::createLineInstance(locale, status));
    std::unique_ptr<icu::BreakIterator> graphemes(icu::BreakIterator::createCharacterInstance(locale, status));
    if (U_FAILURE(status)) {
      ends.push_back(m_length);
      return ends;
    }
    lines->setText(para);
    graphemes->setText(para);

    auto fits = [&](std::int32_t start, std::int32_t end) {
      return width(start, trim_trailing_spaces(start, end)) <= limit;
    };
    std::int32_t start = 0;
    std::int32_t last_fit = -1;
    for (std::int32_t p = lines->following(0); p != icu::BreakIterator::DONE; p = lines->next()) {
      if (fits(start, p)) {
        last_fit = p;
        continue;
      }
      if (last_fit > start) {
        ends.push_back(last_fit);
        start = last_fit;
      }
      // The word from `start` to p may alone be wider than the line: cut it by graphemes.
      while (!fits(start, p)) {
        std::int32_t cut = graphemes->following(start);
        for (std::int32_t next = graphemes->following(cut); next != icu::BreakIterator::DONE && next <= p &&
                                                            fits(start, next);
             next = graphemes->following(next)) {
          cut = next;
        }
        ends.push_back(cut);
        start = cut;
      }
      last_fit = p;
    }
    if (start < m_length || ends.empty()) ends.push_back(m_length);
    return ends;
  }

  void emit_line(std::int32_t start, std::int32_t end, int ascender, int line_height, TextLayout& out) const {
    std::int32_t visible_end = trim_trailing_spaces(start, end);
    struct Piece {
      const Item* item;
      std::int32_t start, end;
    };
    std::vector<Piece> pieces;
    std::vector<UBiDiLevel> levels;
    for (const auto& item : m_items) {
      std::int32_t s = std::max(item.start, start), e = std::min(item.end, visible_end);
      if (s >= e) continue;
      pieces.push_back({&item, s, e});
      levels.push_back(item.level);
    }
    // Rule L2: reverse runs from the highest level down to the lowest odd level.
    std::vector<std::int32_t> visual(pieces.size());
    if (!pieces.empty()) ubidi_reorderVisual(levels.data(), static_cast<std::int32_t>(levels.size()), visual.data());

    TextLine line;
    line.first_glyph = out.glyphs.size();
    line.baseline = static_cast<int>(out.lines.size()) * line_height + ascender;
    hb_position_t pen = 0;
    for (std::int32_t index : visual) {
      const Piece& piece = pieces[static_cast<std::size_t>(index)];
      for (const auto& g : piece.item->glyphs) {
        if (g.cluster < piece.start || g.cluster >= piece.end) continue;
        out.glyphs.push_back({piece.item->face, g.glyph, m_utf8_offsets[static_cast<std::size_t>(g.cluster)],
                              to_pixels(pen + g.x_offset), -to_pixels(g.y_offset)});
        pen += g.x_advance;
      }
    }
    line.glyph_count = out.glyphs.size() - line.first_glyph;
    line.width = to_pixels(pen);
    out.width = std::max(out.width, line.width);
    out.lines.push_back(line);
  }

  FontFaces& m_faces;
  const TextStyle& m_style;
  LayoutCounters& m_counters;
  std::span<const std::uint32_t> m_utf8_offsets;
  const UChar* m_text = nullptr;
  std::int32_t m_length = 0;
  std::unique_ptr<UBiDi, BidiCloser> m_bidi;
  UBiDiLevel m_paragraph_level = 0;
  const UBiDiLevel* m_levels = nullptr;
  std::vector<Item> m_items;
  std::vector<hb_position_t> m_advance;  // per UTF-16 index: the advance of the glyphs it starts
};

// UTF-8 to UTF-16 in one pass that also records, for each UTF-16 unit, the byte offset of the
// character it belongs to (plus one entry for the end). Malformed bytes become U+FFFD each.
icu::UnicodeString decode_utf8(std::string_view utf8, std::vector<std::uint32_t>& offsets) {
  icu::UnicodeString out;
  offsets.clear();
  offsets.reserve(utf8.size() + 1);
  std::size_t byte = 0;
  while (byte < utf8.size()) {
    const auto at = static_cast<std::uint32_t>(byte);
    auto unit = [&](std::size_t k) { return static_cast<unsigned char>(utf8[byte + k]); };
    unsigned char lead = unit(0);
    std::size_t length = lead < 0x80 ? 1 : (lead >= 0xC2 && lead < 0xE0) ? 2 : (lead >= 0xE0 && lead < 0xF0) ? 3
                         : (lead >= 0xF0 && lead <= 0xF4)                 ? 4
                                                                          : 0;
    char32_t cp = 0xFFFD;
    bool valid = length > 0 && byte + length <= utf8.size();
    for (std::size_t k = 1; valid && k < length; ++k) valid = (unit(k) & 0xC0) == 0x80;
    if (valid) {
      cp = length == 1 ? lead : static_cast<char32_t>(lead & (0xFF >> (length + 1)));
      for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (unit(k) & 0x3Fu);
      // Overlong forms, surrogates and values past U+10FFFF are malformed too.
      static constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < k_min[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) valid = false;
    }
    if (!valid) {
      cp = 0xFFFD;
      length = 1;
    }
    out.append(static_cast<UChar32>(cp));
    offsets.push_back(at);
    if (cp > 0xFFFF) offsets.push_back(at);  // a surrogate pair: two UTF-16 units
    byte += length;
  }
  offsets.push_back(static_cast<std::uint32_t>(utf8.size()));
  return out;
}

}  // namespace

Expected<TextLayout> lay_out_paragraphs(FontFaces& faces, std::string_view utf8, const TextStyle& style,
                                        int max_width, TextDirection direction, LayoutCounters& counters) {
  TextLayout layout;
  layout.style = style;
  // One line height for every line of a style, whatever script it holds, so mixed lines align.
  int ascender = 0, descender = 0;
  FaceIndex regular[] = {k_arabic, k_latin}, bold[] = {k_arabic_bold, k_latin_bold};
  for (auto index : style.weight == FontWeight::bold ? bold : regular) {
    auto sized = faces.sized(index, style.size_px);
    if (!sized) return std::unexpected(sized.error());
    ascender = std::max(ascender, (*sized)->ascender);
    descender = std::max(descender, (*sized)->descender);
  }
  layout.line_height = ascender + descender;

  std::vector<std::uint32_t> utf8_offsets;
  icu::UnicodeString all = decode_utf8(utf8, utf8_offsets);

  std::int32_t start = 0;
  while (start <= all.length()) {
    std::int32_t end = start;
    while (end < all.length() && all[end] != u'\n' && all[end] != 0x2029) ++end;
    icu::UnicodeString para(all, start, end - start);
    ParagraphLayout paragraph(faces, style, counters,
                              std::span<const std::uint32_t>(utf8_offsets).subspan(static_cast<std::size_t>(start)));
    if (auto ok = paragraph.run(para, max_width, direction, ascender, layout.line_height, layout); !ok) {
      return std::unexpected(ok.error());
    }
    start = end + 1;
  }
  layout.height = static_cast<int>(layout.lines.size()) * layout.line_height;
  return layout;
}

}  // namespace shubbak::text
