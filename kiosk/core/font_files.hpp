// The font files the text engine opens (`[text]` in kiosk.toml): the engine takes this, not the
// whole configuration.
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
};

}  // namespace shubbak
