#include "screens/text/font_faces.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <hb-ft.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace shubbak::text {

namespace {

Expected<std::vector<unsigned char>> read_font(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail_errno(Errc::not_found, fmt::format("cannot read font {}", path.string()), errno);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

bool is_arabic_script(char32_t cp) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
  return U_SUCCESS(status) && script == USCRIPT_ARABIC;
}

}  // namespace

Expected<std::unique_ptr<FontFaces>> FontFaces::open(const FontPaths& paths) {
  std::unique_ptr<FontFaces> faces(new FontFaces());
  if (FT_Init_FreeType(&faces->m_library) != 0) return fail(Errc::internal, "FreeType init failed");
  for (const auto* path :
       {&paths.arabic, &paths.arabic_bold, &paths.latin, &paths.latin_bold, &paths.symbols}) {
    auto bytes = read_font(*path);
    if (!bytes) return std::unexpected(bytes.error());
    faces->m_bytes.push_back(std::move(*bytes));
    const auto& data = faces->m_bytes.back();
    FT_Face face = nullptr;
    if (FT_New_Memory_Face(faces->m_library, data.data(), static_cast<FT_Long>(data.size()), 0,
                           &face) != 0) {
      return fail(Errc::parse, fmt::format("{} is not a font FreeType can open", path->string()));
    }
    faces->m_coverage_faces.push_back(face);
  }
  return faces;
}

FontFaces::~FontFaces() {
  for (auto& [_, sized] : m_sized) {
    hb_font_destroy(sized.font);
    FT_Done_Face(sized.face);
  }
  for (FT_Face face : m_coverage_faces) FT_Done_Face(face);
  if (m_library) FT_Done_FreeType(m_library);
}

Expected<const SizedFace*> FontFaces::sized(std::uint16_t index, int size_px) {
  auto key = std::pair{index, size_px};
  if (auto it = m_sized.find(key); it != m_sized.end()) return &it->second;
  const auto& data = m_bytes.at(index);
  FT_Face face = nullptr;
  if (FT_New_Memory_Face(m_library, data.data(), static_cast<FT_Long>(data.size()), 0, &face) !=
          0 ||
      FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(size_px)) != 0) {
    if (face) FT_Done_Face(face);
    return fail(Errc::internal, fmt::format("cannot size face {} to {} px", index, size_px));
  }
  hb_font_t* font = hb_ft_font_create_referenced(face);
  // Unhinted advances: layout is the same at every size step and matches the rasteriser.
  hb_ft_font_set_load_flags(font, FT_LOAD_DEFAULT | FT_LOAD_NO_HINTING);
  SizedFace sized{face, font, static_cast<int>((face->size->metrics.ascender + 63) >> 6),
                  static_cast<int>((-face->size->metrics.descender + 63) >> 6)};
  return &m_sized.emplace(key, sized).first->second;
}

bool FontFaces::is_neutral(char32_t cp) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
  return U_SUCCESS(status) && (script == USCRIPT_COMMON || script == USCRIPT_INHERITED);
}

bool FontFaces::covers(std::uint16_t index, char32_t cp) const {
  return FT_Get_Char_Index(m_coverage_faces.at(index), cp) != 0;
}

std::uint16_t FontFaces::choose(char32_t cp, FontWeight weight,
                                std::optional<std::uint16_t> previous) const {
  bool bold = weight == FontWeight::bold;
  std::uint16_t arabic = bold ? k_arabic_bold : k_arabic;
  std::uint16_t latin = bold ? k_latin_bold : k_latin;
  if (previous && is_neutral(cp) && covers(*previous, cp)) return *previous;
  if (is_arabic_script(cp) && covers(arabic, cp)) return arabic;
  if (covers(latin, cp)) return latin;
  if (covers(arabic, cp)) return arabic;
  if (covers(k_symbols, cp)) return k_symbols;
  return latin;  // draws .notdef: visible, rather than silently dropped
}

}  // namespace shubbak::text
