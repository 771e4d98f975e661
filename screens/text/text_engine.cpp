#include "screens/text/text_engine.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "screens/text/font_faces.hpp"
#include "screens/text/paragraph_layout.hpp"

namespace shubbak {

namespace {

struct LayoutKey {
  std::string text;
  TextStyle style;
  int max_width;
  TextDirection direction;
  friend bool operator==(const LayoutKey&, const LayoutKey&) = default;
};

struct LayoutKeyHash {
  std::size_t operator()(const LayoutKey& k) const {
    std::size_t h = std::hash<std::string>{}(k.text);
    auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    mix(static_cast<std::size_t>(k.style.size_px));
    mix(static_cast<std::size_t>(k.style.weight));
    mix(static_cast<std::size_t>(k.style.arabic));
    mix(static_cast<std::size_t>(k.max_width));
    mix(static_cast<std::size_t>(k.direction));
    return h;
  }
};

struct GlyphBitmap {
  std::vector<std::uint8_t> pixels;
  int width = 0, height = 0, left = 0, top = 0;
};

// A key that names a glyph bitmap for good: face, pixel size and glyph id.
std::uint64_t glyph_key(std::uint16_t face, int size_px, std::uint32_t glyph) {
  return (std::uint64_t{face} << 48) |
         (std::uint64_t(static_cast<std::uint32_t>(size_px) & 0xFFFF) << 32) | glyph;
}

// Caches hold what the kiosk's screens show; past this many layouts the cache starts over.
constexpr std::size_t k_layout_cache_limit = 4096;

}  // namespace

struct TextEngine::Impl {
  std::unique_ptr<text::FontFaces> faces;
  std::unordered_map<LayoutKey, std::shared_ptr<const TextLayout>, LayoutKeyHash> layouts;
  std::unordered_map<LayoutKey, std::shared_ptr<const text::ShapedParagraph>, LayoutKeyHash> shaped;
  std::unordered_map<std::uint64_t, GlyphBitmap> glyphs;
};

TextEngine::TextEngine(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TextEngine::~TextEngine() = default;

Expected<std::unique_ptr<TextEngine>> TextEngine::open(const FontFiles& fonts) {
  auto faces = text::FontFaces::open(fonts);
  if (!faces) return std::unexpected(faces.error());
  auto impl = std::make_unique<Impl>();
  impl->faces = std::move(*faces);
  return std::unique_ptr<TextEngine>(new TextEngine(std::move(impl)));
}

Expected<std::shared_ptr<const TextLayout>> TextEngine::layout(std::string_view utf8,
                                                               const TextStyle& style,
                                                               int max_width,
                                                               TextDirection direction) {
  if (style.size_px < 4 || style.size_px > 1024) {
    return fail(Errc::invalid_argument,
                fmt::format("text size {} px is out of range", style.size_px));
  }
  LayoutKey key{std::string(utf8), style, max_width, direction};
  if (auto it = m_impl->layouts.find(key); it != m_impl->layouts.end()) return it->second;

  // Paragraphs end at a newline (or U+2029); each is shaped once per style and direction and
  // re-wrapped at any width from the cache.
  struct Paragraph {
    std::shared_ptr<const text::ShapedParagraph> shaped;
    std::uint32_t offset;
  };
  std::vector<Paragraph> paragraphs;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = utf8.find('\n', start);
    std::size_t next_separator = utf8.find("\u2029", start);
    std::size_t separator_length = 1;
    if (next_separator < end) {
      end = next_separator;
      separator_length = std::string_view("\u2029").size();
    }
    std::string_view paragraph =
        utf8.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto shaped = shaped_paragraph(paragraph, style, direction);
    if (!shaped) return std::unexpected(shaped.error());
    paragraphs.push_back({*shaped, static_cast<std::uint32_t>(start)});
    if (end == std::string_view::npos) break;
    start = end + separator_length;
  }
  std::vector<const text::ShapedParagraph*> shaped;
  for (const auto& p : paragraphs) shaped.push_back(p.shaped.get());
  auto metrics = text::line_metrics(*m_impl->faces, style, shaped);
  if (!metrics) return std::unexpected(metrics.error());
  TextLayout laid;
  laid.style = style;
  laid.line_height = metrics->line_height;
  for (const auto& p : paragraphs)
    text::append_lines(*p.shaped, max_width, p.offset, *metrics, laid);
  laid.height = static_cast<int>(laid.lines.size()) * laid.line_height;
  ++m_counters.layouts;
  if (m_impl->layouts.size() >= k_layout_cache_limit) m_impl->layouts.clear();
  auto shared = std::make_shared<const TextLayout>(std::move(laid));
  m_impl->layouts.emplace(std::move(key), shared);
  return shared;
}

Expected<std::shared_ptr<const text::ShapedParagraph>> TextEngine::shaped_paragraph(
    std::string_view paragraph, const TextStyle& style, TextDirection direction) {
  LayoutKey key{std::string(paragraph), style, 0, direction};
  if (auto it = m_impl->shaped.find(key); it != m_impl->shaped.end()) return it->second;
  auto shaped = text::shape_paragraph(*m_impl->faces, paragraph, style, direction);
  if (!shaped) return std::unexpected(shaped.error());
  m_counters.shape_calls += static_cast<std::uint64_t>((*shaped)->shape_calls);
  if (m_impl->shaped.size() >= k_layout_cache_limit) m_impl->shaped.clear();
  m_impl->shaped.emplace(std::move(key), *shaped);
  return *shaped;
}

std::size_t TextEngine::fonts_read() const {
  return m_impl->faces->fonts_read();
}

int TextEngine::line_left(const TextLayout& layout, const TextLine& line, const Rect& box,
                          TextAlign align) {
  int slack = box.width - line.width;
  // Start is the left edge of a left-to-right paragraph and the right edge of a right-to-left one.
  bool flush_right = (align == TextAlign::end) != layout.right_to_left;
  return align == TextAlign::center ? box.x + slack / 2 : flush_right ? box.x + slack : box.x;
}

void TextEngine::draw(Canvas& canvas, const TextLayout& layout, const Rect& box, TextAlign align,
                      Color color) {
  for (const auto& line : layout.lines) {
    if (line.width > box.width) ++m_counters.overflowing_lines;
    int x = line_left(layout, line, box, align);
    int baseline = box.y + line.baseline;
    for (std::size_t i = line.first_glyph; i < line.first_glyph + line.glyph_count; ++i) {
      const PositionedGlyph& g = layout.glyphs[i];
      std::uint64_t key = glyph_key(g.face, layout.style.size_px, g.glyph);
      auto it = m_impl->glyphs.find(key);
      if (it == m_impl->glyphs.end()) {
        GlyphBitmap bitmap;
        auto sized = m_impl->faces->sized(g.face, layout.style.size_px);
        // Unhinted, as the layout's advances: FreeType's light auto-hinter analysed each face
        // at each size first, which cost about 30 % of a new screen's drawing in every script,
        // and at the kiosk's sizes (18 px and up) hinting changes little.
        if (sized && FT_Load_Glyph((*sized)->face, g.glyph, FT_LOAD_NO_HINTING) == 0 &&
            FT_Render_Glyph((*sized)->face->glyph, FT_RENDER_MODE_NORMAL) == 0) {
          const FT_GlyphSlot slot = (*sized)->face->glyph;
          const FT_Bitmap& bm = slot->bitmap;
          bitmap.width = static_cast<int>(bm.width);
          bitmap.height = static_cast<int>(bm.rows);
          bitmap.left = slot->bitmap_left;
          bitmap.top = slot->bitmap_top;
          bitmap.pixels.resize(static_cast<std::size_t>(bitmap.width * bitmap.height));
          for (int row = 0; row < bitmap.height; ++row) {
            const unsigned char* src = bm.buffer + static_cast<std::ptrdiff_t>(row) * bm.pitch;
            std::copy_n(src, bitmap.width,
                        bitmap.pixels.begin() + static_cast<std::ptrdiff_t>(row * bitmap.width));
          }
        }
        ++m_counters.rasterisations;
        it = m_impl->glyphs.emplace(key, std::move(bitmap)).first;
      }
      const GlyphBitmap& bitmap = it->second;
      if (bitmap.width == 0 || bitmap.height == 0) continue;  // spaces
      ++m_counters.glyphs_drawn;
      AlphaMask mask{bitmap.width, bitmap.height, bitmap.width, bitmap.pixels.data()};
      canvas.draw_mask(key, mask, {x + g.x + bitmap.left, baseline + g.y - bitmap.top}, color);
    }
  }
}

}  // namespace shubbak
