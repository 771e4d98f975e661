// The font files the text engine opens (`[text]` in kiosk.toml): the engine takes this, not the
// whole configuration. Arabic, Latin and symbols open at start; each other script's font opens
// the first time a text needs it, so a kiosk pays only for the languages citizens use.
#pragma once

#include <filesystem>

namespace shubbak {

struct FontFiles {
  std::filesystem::path arabic_font = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf";
  std::filesystem::path arabic_bold_font =
      "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf";
  std::filesystem::path latin_font = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  std::filesystem::path latin_bold_font = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
  std::filesystem::path symbol_font = "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf";
  // Urdu is written in Nastaliq: its Arabic-script text takes these faces instead of Naskh.
  std::filesystem::path urdu_font = "/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf";
  std::filesystem::path urdu_bold_font = "/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Bold.ttf";
  std::filesystem::path devanagari_font =
      "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf";
  std::filesystem::path devanagari_bold_font =
      "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Bold.ttf";
  std::filesystem::path bengali_font = "/usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf";
  std::filesystem::path bengali_bold_font =
      "/usr/share/fonts/truetype/noto/NotoSansBengali-Bold.ttf";
  std::filesystem::path malayalam_font =
      "/usr/share/fonts/truetype/noto/NotoSansMalayalam-Regular.ttf";
  std::filesystem::path malayalam_bold_font =
      "/usr/share/fonts/truetype/noto/NotoSansMalayalam-Bold.ttf";
  std::filesystem::path tamil_font = "/usr/share/fonts/truetype/noto/NotoSansTamil-Regular.ttf";
  std::filesystem::path tamil_bold_font = "/usr/share/fonts/truetype/noto/NotoSansTamil-Bold.ttf";
};

}  // namespace shubbak
