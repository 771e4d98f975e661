#include "screens/ui/theme.hpp"

namespace shubbak {

const Theme& default_theme() {
  static const Theme theme{
      "default",       {245, 243, 238},  // background
      {255, 255, 255},                   // surface
      {222, 236, 231},                   // surface pressed
      {11, 93, 75},                      // primary: the brand green
      {7, 64, 52},     {255, 255, 255}, {27, 27, 27},   {90, 90, 90}, {160, 160, 150},
      {214, 137, 16},  // focus: amber
      {187, 222, 210}, {176, 32, 32},   {0, 0, 0, 140}, 1.0,          2};
  return theme;
}

const Theme& high_contrast_theme() {
  static const Theme theme{"high-contrast",
                           {0, 0, 0},
                           {0, 0, 0},
                           {60, 60, 0},
                           {255, 221, 0},  // yellow on black: contrast above 15:1
                           {255, 255, 255},
                           {0, 0, 0},
                           {255, 255, 255},
                           {255, 255, 255},
                           {255, 255, 255},
                           {0, 200, 255},
                           {0, 90, 160},
                           {255, 120, 120},
                           {0, 0, 0, 200},
                           1.15,
                           4};
  return theme;
}

const Theme& large_text_theme() {
  static const Theme theme = [] {
    Theme t = default_theme();
    t.name = "large-text";
    t.text_scale = 1.4;
    return t;
  }();
  return theme;
}

std::optional<const Theme*> theme_named(std::string_view name) {
  for (const Theme* t : {&default_theme(), &high_contrast_theme(), &large_text_theme()}) {
    if (t->name == name) return t;
  }
  return std::nullopt;
}

}  // namespace shubbak
