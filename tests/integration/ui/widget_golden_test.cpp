// Golden screenshots of every widget in Arabic and English (software renderer, pixel-exact).
// Each image was looked at when made: Arabic joined and right-to-left, digits in order,
// brackets mirrored, layout mirrored. Regenerate with SHUBBAK_UPDATE_GOLDEN=1 and look again.
#include <doctest/doctest.h>

#include "screens/ui/button.hpp"
#include "screens/ui/choice.hpp"
#include "screens/ui/widget_screen.hpp"
#include "tests/integration/ui/gallery.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using testing::UiHarness;

namespace {
void check_golden(UiHarness& h, const std::string& name) {
  auto shot = h.screenshot();
  CHECK_MESSAGE(testing::compare_with_golden(shot, name) == "", name);
}
}  // namespace

TEST_CASE("every widget, in Arabic and in English") {
  for (Language language : {Language::ar, Language::en}) {
    UiHarness h(language);
    h.show(testing::make_gallery(h.ui()));
    check_golden(h, std::string("widgets-") + std::string(to_string(language)));
  }
}

TEST_CASE("the three on-screen keyboards") {
  struct Case {
    Language language;
    OnScreenKeyboard::Layout layout;
    const char* name;
  };
  for (auto c : {Case{Language::ar, OnScreenKeyboard::Layout::arabic, "keyboard-arabic"},
                 Case{Language::en, OnScreenKeyboard::Layout::english, "keyboard-english"},
                 Case{Language::ar, OnScreenKeyboard::Layout::numeric, "keyboard-numeric"}}) {
    UiHarness h(c.language);
    h.show(testing::make_keyboard_screen(h.ui(), c.layout));
    check_golden(h, c.name);
  }
}

TEST_CASE("a seed paragraph wrapped at three widths") {
  UiHarness h(Language::ar);
  h.show(testing::make_paragraph_screen(h.ui()));
  check_golden(h, "paragraph-widths");
}

TEST_CASE("a modal dialog over the form, in both languages") {
  for (Language language : {Language::ar, Language::en}) {
    UiHarness h(language);
    auto screen = testing::make_gallery(h.ui());
    WidgetScreen* form = screen.get();
    h.show(std::move(screen));
    bool ar = language == Language::ar;
    form->show_dialog(std::make_unique<Dialog>(
        h.ui(), ar ? "الطابعة بلا ورق" : "The printer is out of paper",
        ar ? "احتفظ برقم الطلب 12345 واستلم الإيصال من الموظف."
           : "Keep request number 12345 and collect the receipt at the counter.",
        std::vector<DialogButton>{{ar ? "حسناً" : "OK", [] {}, "ok"},
                                  {ar ? "إعادة المحاولة" : "Try again", [] {}, "retry"}}));
    check_golden(h, std::string("dialog-") + std::string(to_string(language)));
  }
}

TEST_CASE("high-contrast and large-text themes, switched at run time") {
  UiHarness h(Language::ar);
  h.show(testing::make_gallery(h.ui()));
  auto before = h.screenshot();
  h.ui().set_theme(high_contrast_theme());
  auto contrast = h.screenshot();
  CHECK(contrast.rgb(5, 5) == 0x000000u);  // black background
  CHECK(testing::count_differences(before, contrast) > 100000);
  check_golden(h, "theme-high-contrast-ar");
  h.ui().set_theme(large_text_theme());
  check_golden(h, "theme-large-text-ar");
}

TEST_CASE("golden: the keypad's focus moves right to left in Arabic and shows a ring") {
  UiHarness h(Language::ar);
  auto column = std::make_unique<Column>(h.ui(), 3 * h.ui().unit(), 4 * h.ui().unit());
  column->add<RadioGroup>(std::vector<std::string>{"بطاقة الهوية", "جواز السفر"}, std::nullopt,
                          "document");
  auto& row = column->add<Row>(2 * h.ui().unit());
  row.add<Button>("متابعة", Button::Style::primary, "next");
  row.add<Button>("رجوع", Button::Style::secondary, "back");
  h.show(std::make_unique<WidgetScreen>(h.ui(), std::move(column)));
  h.settle();
  h.display().inject_key(KeyEvent::Kind::down);  // the choices
  h.settle();
  REQUIRE(h.ui().focused() != nullptr);
  CHECK(h.ui().focused()->id() == "document");
  h.display().inject_key(KeyEvent::Kind::down);  // the first button in reading order
  h.settle();
  REQUIRE(h.ui().focused() != nullptr);
  Rect first = h.ui().focused()->bounds();
  CHECK(h.ui().focused()->id() == "next");
  check_golden(h, "focus-ring-ar");
  h.display().inject_key(KeyEvent::Kind::down);
  h.settle();
  REQUIRE(h.ui().focused() != nullptr);
  CHECK(h.ui().focused()->id() == "back");
  CHECK(h.ui().focused()->bounds().x < first.x);  // right to left
}
