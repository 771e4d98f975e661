#include "screens/text/paragraph_layout.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include <fmt/format.h>
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

namespace shubbak::text {

namespace {

// 26.6 fixed point, as HarfBuzz-over-FreeType reports positions.
constexpr int k_unit = 64;
int to_pixels(hb_position_t v) {
  return static_cast<int>(std::lround(static_cast<double>(v) / k_unit));
}

struct BidiCloser {
  void operator()(UBiDi* b) const { ubidi_close(b); }
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
    std::size_t length = lead < 0x80                      ? 1
                         : (lead >= 0xC2 && lead < 0xE0)  ? 2
                         : (lead >= 0xE0 && lead < 0xF0)  ? 3
                         : (lead >= 0xF0 && lead <= 0xF4) ? 4
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

class Shaper {
 public:
  Shaper(FontFaces& faces, const TextStyle& style, ShapedParagraph& out)
      : m_faces(faces), m_style(style), m_out(out) {}

  Expected<void> run(TextDirection direction) {
    m_text = m_out.text.getBuffer();
    m_length = m_out.text.length();
    if (auto ok = resolve_levels(direction); !ok) return ok;
    itemise();
    m_out.advance.assign(static_cast<std::size_t>(m_length), 0);
    for (auto& item : m_out.items) {
      if (auto ok = shape(item); !ok) return ok;
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
    if (U_FAILURE(status))
      return fail(Errc::internal, fmt::format("ubidi_setPara: {}", u_errorName(status)));
    m_out.paragraph_level = ubidi_getParaLevel(m_bidi.get());
    m_levels = m_length > 0 ? ubidi_getLevels(m_bidi.get(), &status) : nullptr;
    if (U_FAILURE(status))
      return fail(Errc::internal, fmt::format("ubidi_getLevels: {}", u_errorName(status)));
    return {};
  }

  void itemise() {
    struct CodePoint {
      std::int32_t start, end;
      char32_t value;
      std::uint16_t face = 0;
    };
    std::vector<CodePoint> cps;
    for (std::int32_t i = 0; i < m_length;) {
      std::int32_t at = i;
      UChar32 cp;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"  // inside ICU's macro
      U16_NEXT(m_text, i, m_length, cp);
#pragma GCC diagnostic pop
      cps.push_back({at, i, static_cast<char32_t>(cp)});
    }
    // Neutral characters (spaces, digits, punctuation) take the face of the text before them,
    // or, at the start of a paragraph, of the text after them: "(مرحبا)" keeps both brackets in
    // one face.
    std::optional<std::uint16_t> previous;
    for (std::size_t k = 0; k < cps.size(); ++k) {
      std::optional<std::uint16_t> context = previous;
      for (std::size_t n = k; n < cps.size() && !context; ++n) {
        if (!FontFaces::is_neutral(cps[n].value))
          context = m_faces.choose(cps[n].value, m_style, std::nullopt);
      }
      cps[k].face = m_faces.choose(cps[k].value, m_style, context);
      previous = cps[k].face;
    }
    auto& items = m_out.items;
    for (const auto& cp : cps) {
      UBiDiLevel level = m_levels[cp.start];
      if (items.empty() || items.back().level != level || items.back().face != cp.face) {
        items.push_back(ShapedItem{cp.start, cp.end, level, cp.face, {}});
      } else {
        items.back().end = cp.end;
      }
    }
  }

  Expected<void> shape(ShapedItem& item) {
    auto sized = m_faces.sized(item.face, m_style.size_px);
    if (!sized) return std::unexpected(sized.error());
    hb_buffer_t* buffer = hb_buffer_create();
    // The whole paragraph goes in as context, so letters join across item boundaries.
    hb_buffer_add_utf16(buffer, reinterpret_cast<const std::uint16_t*>(m_text), m_length,
                        static_cast<unsigned>(item.start), item.end - item.start);
    hb_buffer_set_direction(buffer, (item.level & 1) ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_guess_segment_properties(buffer);
    hb_shape((*sized)->font, buffer, nullptr, 0);
    ++m_out.shape_calls;
    unsigned count = 0;
    hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
    hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
    item.glyphs.reserve(count);
    for (unsigned g = 0; g < count; ++g) {
      auto cluster = static_cast<std::int32_t>(info[g].cluster);
      item.glyphs.push_back(
          {info[g].codepoint, cluster, pos[g].x_advance, pos[g].x_offset, pos[g].y_offset});
      m_out.advance[static_cast<std::size_t>(cluster)] += pos[g].x_advance;
    }
    hb_buffer_destroy(buffer);
    return {};
  }

  FontFaces& m_faces;
  const TextStyle& m_style;
  ShapedParagraph& m_out;
  const UChar* m_text = nullptr;
  std::int32_t m_length = 0;
  std::unique_ptr<UBiDi, BidiCloser> m_bidi;
  const UBiDiLevel* m_levels = nullptr;
};

class LineBreaker {
 public:
  explicit LineBreaker(const ShapedParagraph& p)
      : m_p(p), m_text(p.text.getBuffer()), m_length(p.text.length()) {}

  // Greedy filling at the line BreakIterator's opportunities; a word wider than the line is cut
  // at grapheme boundaries. Returns each line's end (UTF-16 index).
  std::vector<std::int32_t> line_ends(int max_width) const {
    std::vector<std::int32_t> ends;
    if (max_width <= 0 || m_length == 0) return {m_length};
    const hb_position_t limit = static_cast<hb_position_t>(max_width) * k_unit;
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale((m_p.paragraph_level & 1) ? "ar" : "en");
    std::unique_ptr<icu::BreakIterator> lines(
        icu::BreakIterator::createLineInstance(locale, status));
    std::unique_ptr<icu::BreakIterator> graphemes(
        icu::BreakIterator::createCharacterInstance(locale, status));
    if (U_FAILURE(status)) return {m_length};
    lines->setText(m_p.text);
    graphemes->setText(m_p.text);

    auto fits = [&](std::int32_t start, std::int32_t end) {
      return width(start, trim(start, end)) <= limit;
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
        for (std::int32_t next = graphemes->following(cut);
             next != icu::BreakIterator::DONE && next <= p && fits(start, next);
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

  bool is_space_at(std::int32_t i) const {
    return u_isWhitespace(m_text[i]) || m_text[i] == 0x00A0;
  }

  std::int32_t trim(std::int32_t start, std::int32_t end) const {
    while (end > start && is_space_at(end - 1)) --end;
    return end;
  }

  hb_position_t width(std::int32_t start, std::int32_t end) const {
    hb_position_t sum = 0;
    for (std::int32_t i = start; i < end; ++i) sum += m_p.advance[static_cast<std::size_t>(i)];
    return sum;
  }

 private:
  const ShapedParagraph& m_p;
  const UChar* m_text;
  std::int32_t m_length;
};

void emit_line(const ShapedParagraph& p, const LineBreaker& breaker, std::int32_t start,
               std::int32_t end, std::uint32_t base_offset, const LineMetrics& metrics,
               TextLayout& out) {
  std::int32_t visible_end = breaker.trim(start, end);
  struct Piece {
    const ShapedItem* item;
    std::int32_t start, end;
  };
  std::vector<Piece> pieces;
  std::vector<UBiDiLevel> levels;
  for (const auto& item : p.items) {
    std::int32_t s = std::max(item.start, start), e = std::min(item.end, visible_end);
    if (s >= e) continue;
    pieces.push_back({&item, s, e});
    levels.push_back(item.level);
  }
  // Rule L2: reverse runs from the highest level down to the lowest odd level.
  std::vector<std::int32_t> visual(pieces.size());
  if (!pieces.empty())
    ubidi_reorderVisual(levels.data(), static_cast<std::int32_t>(levels.size()), visual.data());

  TextLine line;
  line.start = base_offset + p.utf8_offsets[static_cast<std::size_t>(start)];
  line.end = base_offset + p.utf8_offsets[static_cast<std::size_t>(end)];
  line.first_glyph = out.glyphs.size();
  line.baseline = static_cast<int>(out.lines.size()) * metrics.line_height + metrics.ascender;
  hb_position_t pen = 0;
  for (std::int32_t index : visual) {
    const Piece& piece = pieces[static_cast<std::size_t>(index)];
    bool rtl = (piece.item->level & 1) != 0;
    for (const auto& g : piece.item->glyphs) {
      if (g.cluster < piece.start || g.cluster >= piece.end) continue;
      const int pen_x = to_pixels(pen);
      out.glyphs.push_back({piece.item->face, g.glyph,
                            base_offset + p.utf8_offsets[static_cast<std::size_t>(g.cluster)],
                            to_pixels(pen + g.x_offset), -to_pixels(g.y_offset),
                            to_pixels(pen + g.x_advance) - pen_x, rtl});
      pen += g.x_advance;
    }
  }
  line.glyph_count = out.glyphs.size() - line.first_glyph;
  line.width = to_pixels(pen);
  out.width = std::max(out.width, line.width);
  out.lines.push_back(line);
}

}  // namespace

Expected<std::shared_ptr<const ShapedParagraph>> shape_paragraph(FontFaces& faces,
                                                                 std::string_view utf8,
                                                                 const TextStyle& style,
                                                                 TextDirection direction) {
  auto shaped = std::make_shared<ShapedParagraph>();
  shaped->text = decode_utf8(utf8, shaped->utf8_offsets);
  Shaper shaper(faces, style, *shaped);
  if (auto ok = shaper.run(direction); !ok) return std::unexpected(ok.error());
  return shaped;
}

void append_lines(const ShapedParagraph& paragraph, int max_width, std::uint32_t base_offset,
                  const LineMetrics& metrics, TextLayout& out) {
  if (out.lines.empty()) out.right_to_left = (paragraph.paragraph_level & 1) != 0;
  LineBreaker breaker(paragraph);
  std::int32_t start = 0;
  for (std::int32_t end : breaker.line_ends(max_width)) {
    emit_line(paragraph, breaker, start, end, base_offset, metrics, out);
    start = end;
  }
}

Expected<LineMetrics> line_metrics(FontFaces& faces, const TextStyle& style,
                                   std::span<const ShapedParagraph* const> paragraphs) {
  // Every line of a style is as tall as Arabic and Latin need, and taller where another script
  // in the text needs more (Nastaliq's descent, stacked Malayalam conjuncts).
  const auto bold = static_cast<std::uint16_t>(style.weight == FontWeight::bold ? 1 : 0);
  // In Nastaliq style every line is as tall as Nastaliq's, so a row of digits beside an Urdu
  // label shares its baseline.
  const std::uint16_t arabic = style.arabic == ArabicStyle::nastaliq ? k_nastaliq : k_arabic;
  std::vector<std::uint16_t> used{static_cast<std::uint16_t>(arabic + bold),
                                  static_cast<std::uint16_t>(k_latin + bold)};
  for (const ShapedParagraph* paragraph : paragraphs) {
    for (const auto& item : paragraph->items) {
      bool symbols = item.face == k_symbols || item.face == k_symbols_bold;  // fit any line
      if (!symbols && std::find(used.begin(), used.end(), item.face) == used.end())
        used.push_back(item.face);
    }
  }
  int ascender = 0, descender = 0;
  for (auto index : used) {
    auto sized = faces.sized(index, style.size_px);
    if (!sized) return std::unexpected(sized.error());
    // Nastaliq's font reserves room for the tallest stack of letters any word can make; three
    // quarters of it holds everyday words (the Urdu golden images show it) and keeps a review
    // of five answers on one 1080-line screen with its buttons.
    bool nastaliq = index == k_nastaliq || index == k_nastaliq_bold;
    ascender = std::max(ascender, nastaliq ? (*sized)->ascender * 3 / 4 : (*sized)->ascender);
    descender = std::max(descender, nastaliq ? (*sized)->descender * 3 / 4 : (*sized)->descender);
  }
  return LineMetrics{ascender, ascender + descender};
}

}  // namespace shubbak::text
