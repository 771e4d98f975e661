// Internal to screens/text: the FreeType faces and HarfBuzz fonts behind the text engine.
// Faces are chosen per character by glyph coverage. One face object per (font, pixel size),
// opened on first use from font bytes read once.
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
#include "screens/text/text_types.hpp"

namespace shubbak::text {

struct FontPaths {
  std::filesystem::path arabic;
  std::filesystem::path arabic_bold;
  std::filesystem::path latin;
  std::filesystem::path latin_bold;
  std::filesystem::path symbols;  // the last resort for arrows, checks and other symbols
};

// Faces by index; the order is the fallback order for characters of no particular script.
enum FaceIndex : std::uint16_t {
  k_arabic = 0,
  k_arabic_bold,
  k_latin,
  k_latin_bold,
  k_symbols,
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
  static Expected<std::unique_ptr<FontFaces>> open(const FontPaths& paths);
  ~FontFaces();
  FontFaces(const FontFaces&) = delete;
  FontFaces& operator=(const FontFaces&) = delete;

  // The face at `index` set to `size_px`; opened on first use.
  Expected<const SizedFace*> sized(std::uint16_t index, int size_px);

  // The face to draw code point `cp` with: Arabic-script characters in the Arabic face, others
  // in the Latin face, neutral characters (spaces, digits, punctuation) in `previous` when it
  // has them, so a run is not split for a space.
  std::uint16_t choose(char32_t cp, FontWeight weight, std::optional<std::uint16_t> previous) const;

  // Spaces, digits, punctuation and combining marks: characters of no particular script.
  static bool is_neutral(char32_t cp);

 private:
  FontFaces() = default;
  bool covers(std::uint16_t index, char32_t cp) const;

  FT_Library m_library = nullptr;
  std::vector<std::vector<unsigned char>> m_bytes;  // font files, alive as long as the faces
  std::vector<FT_Face> m_coverage_faces;            // unsized, for FT_Get_Char_Index
  std::map<std::pair<std::uint16_t, int>, SizedFace> m_sized;
};

}  // namespace shubbak::text
