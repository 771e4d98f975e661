// EN 301 549 / ADA 707 sizes and contrast, measured from the pixels the kiosk draws: in every
// theme and language, at the harness's density (96 dpi) and at 160 and 220 dpi (sizes only), the
// smallest text is at least 4.8 mm high (the ink of a capital, or of an alef), buttons are at
// least 15 mm high, choice rows a touch target high, and text stands out from what is behind it
// by at least 7:1 in the high-contrast theme and 4.5:1 in the others. Plus the high-contrast
// golden image, read as it was reviewed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "screens/ui/button.hpp"
#include "screens/ui/choice.hpp"
#include "screens/ui/label.hpp"
#include "screens/ui/widget_screen.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using testing::Image;
using testing::UiHarness;

namespace {

constexpr int k_dpi = 96;  // UiHarness's UiContext

double channel(std::uint32_t value) {
  double c = static_cast<double>(value & 0xFFu) / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

// WCAG 2 relative luminance and contrast ratio.
double luminance(std::uint32_t rgb) {
  return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
}

double contrast(std::uint32_t a, std::uint32_t b) {
  double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

double millimetres(int pixels, int dpi = k_dpi) {
  return pixels * 25.4 / dpi;
}

struct Ink {
  int top = -1, bottom = -1;   // rows with a pixel other than `behind`
  double best_contrast = 1.0;  // of the pixel that stands out most
};

Ink ink_in(const Image& shot, const Rect& box, std::uint32_t behind) {
  Ink ink;
  for (int y = std::max(0, box.y); y < std::min(shot.height, box.bottom()); ++y) {
    for (int x = std::max(0, box.x); x < std::min(shot.width, box.right()); ++x) {
      std::uint32_t p = shot.rgb(x, y);
      if (p == behind) continue;
      if (ink.top < 0) ink.top = y;
      ink.bottom = y;
      ink.best_contrast = std::max(ink.best_contrast, contrast(p, behind));
    }
  }
  return ink;
}

// The ink of element `id` of the screen on show against `behind`; it must have some.
Ink element_ink(UiHarness& h, const Image& shot, std::string_view id, std::uint32_t behind) {
  auto box = h.app().screen()->find_element(id);
  REQUIRE(box);
  Ink ink = ink_in(shot, *box, behind);
  REQUIRE(ink.top >= 0);
  return ink;
}

double ink_height(const Ink& ink, int dpi = k_dpi) {
  return millimetres(ink.bottom - ink.top + 1, dpi);
}

// A capital H in English; in Arabic an alef, its tallest common letter without a dot.
std::string tall_letters(Language language) {
  return language == Language::ar ? "ااا" : "HHH";
}

// The length of the run of pixels other than `behind` through (x, y), up and down.
int vertical_run(const Image& shot, int x, int y, std::uint32_t behind) {
  int top = y, bottom = y;
  while (top > 0 && shot.rgb(x, top - 1) != behind) --top;
  while (bottom + 1 < shot.height && shot.rgb(x, bottom + 1) != behind) ++bottom;
  return bottom - top + 1;
}

std::unique_ptr<WidgetScreen> sample(UiContext& ui, const std::string& text) {
  auto column = std::make_unique<Column>(ui, 3 * ui.unit(), 4 * ui.unit());
  column->add<Label>(text, TextRole::caption, TextAlign::start, "caption");
  column->add<Label>(text, TextRole::body, TextAlign::start, "body");
  column->add<Button>(text, Button::Style::primary, "primary");
  column->add<Button>(text, Button::Style::secondary, "secondary");
  column->add<RadioGroup>(std::vector<std::string>{text, text}, std::nullopt, "radio");
  column->add<Checkbox>(text, false, "check");
  return std::make_unique<WidgetScreen>(ui, std::move(column));
}

}  // namespace

TEST_CASE("text is at least 4.8 mm high, targets at least 15 mm, contrast as the theme promises") {
  struct ThemeCase {
    const Theme* theme;
    double min_contrast;
  };
  for (auto [theme, min_contrast] :
       {ThemeCase{&default_theme(), 4.5}, ThemeCase{&large_text_theme(), 4.5},
        ThemeCase{&high_contrast_theme(), 7.0}}) {
    for (Language language : k_languages) {
      CAPTURE(theme->name);
      CAPTURE(to_string(language));
      UiHarness h(language);
      h.ui().set_theme(*theme);
      h.show(sample(h.ui(), tall_letters(language)));
      h.settle();
      auto shot = h.screenshot();
      std::uint32_t background = shot.rgb(1, 1);

      for (const char* role : {"caption", "body"}) {
        CAPTURE(role);
        Ink ink = element_ink(h, shot, role, background);
        double height = ink_height(ink);
        CAPTURE(height);
        CHECK(height >= 4.8);
        CAPTURE(ink.best_contrast);
        CHECK(ink.best_contrast >= min_contrast);
        MESSAGE(theme->name << " " << to_string(language) << " " << std::string(role) << ": ink "
                            << height << " mm, contrast " << ink.best_contrast << ":1");
      }

      for (const char* button : {"primary", "secondary"}) {
        CAPTURE(button);
        auto box = h.app().screen()->find_element(button);
        REQUIRE(box);
        // The button's edge, top to bottom, as drawn (fill or border).
        double height = millimetres(vertical_run(shot, box->x + 1, box->center().y, background));
        CAPTURE(height);
        CHECK(height >= 15.0 - 0.2);  // one pixel of rounding at 96 dpi
        // Its label against its own fill, away from the border.
        int inset = 4 * h.ui().unit(), edge = 3 * theme->border_px + 2;
        Rect inner{box->x + inset, box->y + edge, box->width - 2 * inset, box->height - 2 * edge};
        std::uint32_t fill = shot.rgb(box->x + inset / 2, box->center().y);
        Ink ink = ink_in(shot, inner, fill);
        REQUIRE(ink.top >= 0);
        CAPTURE(ink.best_contrast);
        CHECK(ink.best_contrast >= min_contrast);
        CHECK(millimetres(ink.bottom - ink.top + 1) >= 4.8);
        MESSAGE(theme->name << " " << to_string(language) << " " << std::string(button)
                            << " button: " << height << " mm high, label ink "
                            << millimetres(ink.bottom - ink.top + 1) << " mm, contrast "
                            << ink.best_contrast << ":1");
      }

      // Choice rows: each row is the touchable area, a touch target high.
      auto* screen = dynamic_cast<WidgetScreen*>(h.app().screen());
      auto* radio = dynamic_cast<RadioGroup*>(screen->root().find("radio"));
      REQUIRE(radio);
      for (std::size_t i = 0; i < 2; ++i)
        CHECK(millimetres(radio->option_bounds(i).height) >= 14.8);
      auto check = h.app().screen()->find_element("check");
      REQUIRE(check);
      CHECK(millimetres(check->height) >= 14.8);
      // And their labels are text at least 4.8 mm high.
      Ink row_ink = ink_in(shot, radio->option_bounds(0), background);
      REQUIRE(row_ink.top >= 0);
      CHECK(millimetres(row_ink.bottom - row_ink.top + 1) >= 4.8);
    }
  }
}

// The same rules on denser panels: the sizes come from display.dpi, not only from the screen's
// pixel count. The harness's 1920 x 1080 screen stands for a 23" panel at 96 dpi, a 13.8" one at
// 160 and a 10" one at 220; a UI context at that density draws on it.
TEST_CASE("at 96, 160 and 220 dpi text stays at least 4.8 mm and targets at least 15 mm") {
  for (int dpi : {96, 160, 220}) {
    for (const Theme* theme : {&default_theme(), &large_text_theme(), &high_contrast_theme()}) {
      for (Language language : {Language::ar, Language::en}) {
        CAPTURE(dpi);
        CAPTURE(theme->name);
        CAPTURE(to_string(language));
        UiHarness h(language);
        Logger logger{LogLevel::error};
        UiContext ui(h.text(), h.loop(), h.ui().messages(), h.display().size(), dpi, language,
                     DigitStyle::western, Log(logger, "ui"));
        ui.set_theme(*theme);
        const std::string text = tall_letters(language);
        auto column = std::make_unique<Column>(ui, ui.unit(), 2 * ui.unit());
        column->add<Label>(text, TextRole::caption, TextAlign::start, "caption");
        column->add<Label>(text, TextRole::body, TextAlign::start, "body");
        column->add<Button>(text, Button::Style::primary, "primary");
        column->add<Checkbox>(text, false, "check");
        h.show(std::make_unique<WidgetScreen>(ui, std::move(column)));
        h.settle();
        auto shot = h.screenshot();
        std::uint32_t background = shot.rgb(1, 1);
        for (const char* role : {"caption", "body"}) {
          CAPTURE(role);
          double height = ink_height(element_ink(h, shot, role, background), dpi);
          CAPTURE(height);
          CHECK(height >= 4.8);
          if (std::string_view(role) == "caption" && theme == &default_theme())
            MESSAGE(dpi << " dpi " << to_string(language) << " caption: ink " << height << " mm");
        }
        auto button = h.app().screen()->find_element("primary");
        REQUIRE(button);
        REQUIRE(button->bottom() <= shot.height);
        double button_mm =
            millimetres(vertical_run(shot, button->x + 1, button->center().y, background), dpi);
        CAPTURE(button_mm);
        CHECK(button_mm >= 15.0 - 25.4 / dpi);  // one pixel of rounding
        auto check = h.app().screen()->find_element("check");
        REQUIRE(check);
        CHECK(millimetres(check->height, dpi) >= 15.0 - 25.4 / dpi);
        if (theme == &default_theme())
          MESSAGE(dpi << " dpi " << to_string(language) << " button: " << button_mm << " mm");
      }
    }
  }
}

TEST_CASE("the reviewed high-contrast golden image: its title stands out by at least 7:1") {
  auto golden = testing::load_png(std::filesystem::path(SHUBBAK_SOURCE_DIR) /
                                  "tests/golden/theme-high-contrast-ar.png");
  REQUIRE(golden);
  std::uint32_t background = golden->rgb(1900, 1070);
  // The title, top right (Arabic): its ink against the screen.
  Ink title = ink_in(*golden, Rect{1300, 20, 600, 110}, background);
  REQUIRE(title.top >= 0);
  CHECK(title.best_contrast >= 7.0);
  CHECK(millimetres(title.bottom - title.top + 1) >= 4.8);
}

TEST_CASE(
    "the keypad's focus ring stands out by at least 3:1 from the screen and from the button") {
  // The reviewed golden of a focused primary button in Arabic (the rightmost control).
  auto golden = testing::load_png(std::filesystem::path(SHUBBAK_SOURCE_DIR) /
                                  "tests/golden/focus-ring-ar.png");
  REQUIRE(golden);
  std::uint32_t background = golden->rgb(5, 5);
  const int y = 211;  // through the focused button
  int x = golden->width - 1;
  while (x > 0 && golden->rgb(x, y) == background) --x;
  std::uint32_t outer = golden->rgb(x, y);  // the ring's outside tone
  while (x > 0 && golden->rgb(x, y) == outer) --x;
  std::uint32_t inner = golden->rgb(x, y);  // its inside tone
  while (x > 0 && golden->rgb(x, y) == inner) --x;
  std::uint32_t fill = golden->rgb(x - 10, y);  // the button itself
  CAPTURE(contrast(outer, background));
  CAPTURE(contrast(inner, fill));
  CHECK(contrast(outer, background) >= 3.0);
  CHECK(contrast(inner, fill) >= 3.0);
  MESSAGE("focus ring: " << contrast(outer, background) << ":1 against the screen, "
                         << contrast(inner, fill) << ":1 against the button");
}
