#include "screens/text/font_faces.hpp"

#include <algorithm>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace shubbak::text {

namespace {

// Whether the file begins as a TrueType or OpenType font (or a collection of them) does. Checked
// at start for every configured font, so that a wrong path to a script's font fails the kiosk's
// start instead of leaving that script blank when a citizen picks its language.
bool starts_like_a_font(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string tag(4, '\0');
  if (!in.read(tag.data(), 4)) return false;
  return tag == std::string("\0\1\0\0", 4) || tag == "OTTO" || tag == "true" || tag == "ttcf";
}

UScriptCode script_of(char32_t cp) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
  return U_SUCCESS(status) ? script : USCRIPT_COMMON;
}

// The regular face of a script that has a font of its own; none for Latin and the rest.
std::optional<FaceIndex> script_face(UScriptCode script, ArabicStyle arabic) {
  switch (script) {
    case USCRIPT_ARABIC:
      return arabic == ArabicStyle::nastaliq ? k_nastaliq : k_arabic;
    case USCRIPT_DEVANAGARI:
      return k_devanagari;
    case USCRIPT_BENGALI:
      return k_bengali;
    case USCRIPT_MALAYALAM:
      return k_malayalam;
    case USCRIPT_TAMIL:
      return k_tamil;
    default:
      return std::nullopt;
  }
}

// Arabic, Latin and symbols are read at open: every screen needs them.
constexpr std::size_t k_read_at_open = k_symbols_bold + 1;

}  // namespace

Expected<std::unique_ptr<FontFaces>> FontFaces::open(const FontFiles& files) {
  std::unique_ptr<FontFaces> faces(new FontFaces());
  faces->m_paths = {files.arabic_font,     files.arabic_bold_font,
                    files.latin_font,      files.latin_bold_font,
                    files.symbol_font,     files.symbol_font,
                    files.urdu_font,       files.urdu_bold_font,
                    files.devanagari_font, files.devanagari_bold_font,
                    files.bengali_font,    files.bengali_bold_font,
                    files.malayalam_font,  files.malayalam_bold_font,
                    files.tamil_font,      files.tamil_bold_font};
  faces->m_files.resize(k_face_count);
  faces->m_coverage_faces.assign(k_face_count, nullptr);
  faces->m_shaping_faces.assign(k_face_count, nullptr);
  if (FT_Init_FreeType(&faces->m_library) != 0) return fail(Errc::internal, "FreeType init failed");
  for (const auto& path : faces->m_paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return fail(Errc::not_found, fmt::format("font {} is not there", path.string()));
    if (!starts_like_a_font(path)) {
      return fail(Errc::parse,
                  fmt::format("{} is not a font (no TrueType or OpenType header)", path.string()));
    }
  }
  for (std::uint16_t index = 0; index < k_read_at_open; ++index) {
    if (faces->coverage_face(index) == nullptr) {
      return fail(Errc::parse, fmt::format("{} is not a font FreeType can open",
                                           faces->m_paths[index].string()));
    }
  }
  return faces;
}

FontFaces::~FontFaces() {
  for (auto& [_, sized] : m_sized) {
    hb_font_destroy(sized.font);
    FT_Done_Face(sized.face);
  }
  for (FT_Face face : m_coverage_faces) {
    if (face) FT_Done_Face(face);
  }
  for (hb_face_t* face : m_shaping_faces) hb_face_destroy(face);  // null-safe
  if (m_library) FT_Done_FreeType(m_library);
}

FT_Face FontFaces::coverage_face(std::uint16_t index) {
  if (m_coverage_faces.at(index)) return m_coverage_faces[index];
  if (!m_files[index]) {
    // A font used by two indices (symbols regular and bold) is mapped once.
    for (std::size_t other = 0; other < m_paths.size(); ++other) {
      if (m_files[other] && m_paths[other] == m_paths[index]) m_files[index] = m_files[other];
    }
  }
  if (!m_files[index]) {
    auto file = MappedFile::open(m_paths[index]);
    if (!file) return nullptr;
    m_files[index] = std::move(*file);
  }
  auto data = m_files[index]->bytes();
  FT_Face face = nullptr;
  if (FT_New_Memory_Face(m_library, data.data(), static_cast<FT_Long>(data.size()), 0, &face) !=
      0) {
    return nullptr;
  }
  m_coverage_faces[index] = face;
  return face;
}

hb_face_t* FontFaces::shaping_face(std::uint16_t index) {
  if (m_shaping_faces.at(index)) return m_shaping_faces[index];
  if (coverage_face(index) == nullptr) return nullptr;
  for (std::size_t other = 0; other < m_paths.size(); ++other) {
    if (m_shaping_faces[other] && m_files[other] == m_files[index])
      return m_shaping_faces[index] = hb_face_reference(m_shaping_faces[other]);
  }
  auto data = m_files[index]->bytes();
  // The mapping outlives every face (the destructor destroys faces first), so HarfBuzz may read
  // the font where it lies.
  hb_blob_t* blob =
      hb_blob_create(reinterpret_cast<const char*>(data.data()), static_cast<unsigned>(data.size()),
                     HB_MEMORY_MODE_READONLY, nullptr, nullptr);
  m_shaping_faces[index] = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  return m_shaping_faces[index];
}

std::size_t FontFaces::fonts_read() const {
  std::vector<const void*> distinct;
  for (const auto& file : m_files) {
    if (file && std::find(distinct.begin(), distinct.end(), file.get()) == distinct.end())
      distinct.push_back(file.get());
  }
  return distinct.size();
}

Expected<const SizedFace*> FontFaces::sized(std::uint16_t index, int size_px) {
  auto key = std::pair{index, size_px};
  if (auto it = m_sized.find(key); it != m_sized.end()) return &it->second;
  if (coverage_face(index) == nullptr)
    return fail(Errc::not_found, fmt::format("cannot read font {}", m_paths.at(index).string()));
  auto data = m_files[index]->bytes();
  FT_Face face = nullptr;
  if (FT_New_Memory_Face(m_library, data.data(), static_cast<FT_Long>(data.size()), 0, &face) !=
          0 ||
      FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(size_px)) != 0) {
    if (face) FT_Done_Face(face);
    return fail(Errc::internal, fmt::format("cannot size face {} to {} px", index, size_px));
  }
  // HarfBuzz's own font functions read advances from the font's tables, unhinted, scaled to
  // 26.6 pixels as FreeType's: layout is the same at every size step and matches the rasteriser.
  hb_font_t* font = hb_font_create(shaping_face(index));
  hb_font_set_scale(font, size_px * 64, size_px * 64);
  SizedFace sized{face, font, static_cast<int>((face->size->metrics.ascender + 63) >> 6),
                  static_cast<int>((-face->size->metrics.descender + 63) >> 6)};
  return &m_sized.emplace(key, sized).first->second;
}

bool FontFaces::is_neutral(char32_t cp) {
  UScriptCode script = script_of(cp);
  return script == USCRIPT_COMMON || script == USCRIPT_INHERITED;
}

bool FontFaces::covers(std::uint16_t index, char32_t cp) {
  FT_Face face = coverage_face(index);
  return face != nullptr && FT_Get_Char_Index(face, cp) != 0;
}

std::uint16_t FontFaces::choose(char32_t cp, const TextStyle& style,
                                std::optional<std::uint16_t> previous) {
  const std::uint16_t bold = style.weight == FontWeight::bold ? 1 : 0;
  if (previous && is_neutral(cp) && covers(*previous, cp)) return *previous;
  if (auto own = script_face(script_of(cp), style.arabic)) {
    if (covers(static_cast<std::uint16_t>(*own + bold), cp))
      return static_cast<std::uint16_t>(*own + bold);
  }
  const std::uint16_t arabic = k_arabic + bold, latin = k_latin + bold;
  if (covers(latin, cp)) return latin;
  if (covers(arabic, cp)) return arabic;
  if (covers(k_symbols, cp)) return k_symbols;
  return latin;  // draws .notdef: visible, rather than silently dropped
}

}  // namespace shubbak::text
