// Internal to screens/text: the FreeType faces and HarfBuzz fonts behind the text engine.
// Faces are chosen per character by script and glyph coverage. Arabic, Latin and symbols are read
// at open; each other script's font is read the first time a character needs it. Each font file
// is mapped once (only the pages FreeType and HarfBuzz touch are ever read into memory) and has
// one HarfBuzz face, whose layout tables (large for Nastaliq and the Indic scripts) are checked
// and indexed once for all sizes; FreeType has a face per (font, pixel size) for rasterising.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include "kiosk/core/error.hpp"
#include "kiosk/core/font_files.hpp"
#include "kiosk/core/mapped_file.hpp"
#include "screens/text/text_types.hpp"

namespace shubbak::text {

// Faces by index; regular and bold of each font, in pairs. The order of the first three pairs is
// the fallback order for characters of no particular script.
enum FaceIndex : std::uint16_t {
  k_arabic = 0,
  k_arabic_bold,
  k_latin,
  k_latin_bold,
  k_symbols,
  k_symbols_bold,  // the same font: there is no bold symbol face
  k_nastaliq,
  k_nastaliq_bold,
  k_devanagari,
  k_devanagari_bold,
  k_bengali,
  k_bengali_bold,
  k_malayalam,
  k_malayalam_bold,
  k_tamil,
  k_tamil_bold,
  k_face_count
};

struct SizedFace {
  FT_Face face = nullptr;
  hb_font_t* font = nullptr;
  int ascender = 0;   // pixels above the baseline
  int descender = 0;  // pixels below the baseline (positive)
};

class FontFaces {
 public:
  // Fails when a font file is missing or not a font: found at start, not when a citizen picks
  // a language. Only Arabic, Latin and symbols are read now.
  static Expected<std::unique_ptr<FontFaces>> open(const FontFiles& files);
  ~FontFaces();
  FontFaces(const FontFaces&) = delete;
  FontFaces& operator=(const FontFaces&) = delete;

  // The face at `index` set to `size_px`; opened on first use.
  Expected<const SizedFace*> sized(std::uint16_t index, int size_px);

  // The face to draw code point `cp` with: each script in its own face (Arabic script in Naskh or
  // Nastaliq as `style` says), neutral characters (spaces, digits, punctuation) in `previous`
  // when it has them, so a run is not split for a space.
  std::uint16_t choose(char32_t cp, const TextStyle& style, std::optional<std::uint16_t> previous);

  // Spaces, digits, punctuation and combining marks: characters of no particular script.
  static bool is_neutral(char32_t cp);
  // How many font files have been read so far (for tests and the memory benchmark).
  std::size_t fonts_read() const;

 private:
  FontFaces() = default;
  bool covers(std::uint16_t index, char32_t cp);
  // The unsized face of `index`, reading its font on first use; null when it cannot be read.
  FT_Face coverage_face(std::uint16_t index);
  // The HarfBuzz face of `index`, made on first use over the mapped font.
  hb_face_t* shaping_face(std::uint16_t index);

  FT_Library m_library = nullptr;
  std::vector<std::filesystem::path> m_paths;              // per face index
  std::vector<std::shared_ptr<const MappedFile>> m_files;  // per face index, once mapped
  std::vector<FT_Face> m_coverage_faces;                   // unsized, for FT_Get_Char_Index
  std::vector<hb_face_t*> m_shaping_faces;                 // per face index, shared by every size
  std::map<std::pair<std::uint16_t, int>, SizedFace> m_sized;
};

}  // namespace shubbak::text
