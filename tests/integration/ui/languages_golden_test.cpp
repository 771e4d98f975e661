// Every language beyond Arabic and English on the screens a citizen sees and on paper: the
// welcome screen with its language picker, a form, a review screen and a receipt at 576 and 384
// dots, in golden images (software renderer, pixel-exact) made from the shipped catalogs and the
// demo service's own texts, with a sentence per language chosen for its script's hard cases:
// Nastaliq's cascading joins and descent, Devanagari's reph and half forms, Bengali and
// Malayalam conjuncts, Tamil's vowel signs around their consonant, Farsi with ZWNJ, Persian and
// Western digits and Latin inside, Tagalog's ñ. Each image was looked at when made; regenerate
// with SHUBBAK_UPDATE_GOLDEN=1 and look again.
#include <algorithm>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "screens/receipt/receipt_renderer.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "screens/ui/script_keyboard_rows.hpp"
#include "screens/ui/text_field.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/integration/ui/language_samples.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using testing::UiHarness;

namespace {

void check_golden(const testing::Image& shot, const std::string& name) {
  CHECK_MESSAGE(testing::compare_with_golden(shot, name) == "", name);
}

void offer_all_languages(UiHarness& h) {
  h.ui().set_languages({std::begin(k_languages), std::end(k_languages)});
}

}  // namespace

TEST_CASE("golden: the welcome screen in each language, with the picker naming every language") {
  auto bundle = testing::health_bundle();
  REQUIRE(bundle);
  for (Language language : testing::k_new_languages) {
    CAPTURE(to_string(language));
    UiHarness h(language);
    offer_all_languages(h);
    auto welcome = std::make_unique<WelcomeScreen>(h.ui(), WelcomeScreen::Options{"K-1", "0.1.0"});
    WelcomeScreen::Titles titles;
    for (Language l : k_languages) titles[static_cast<std::size_t>(l)] = bundle->title.in(l);
    welcome->set_highlight(titles);
    WelcomeScreen* screen = welcome.get();
    h.show(std::move(welcome));
    // Every offered language has its button, each a touch target, none overlapping another.
    std::vector<Rect> chips;
    for (Language l : k_languages) {
      auto chip = screen->find_element("language:" + std::string(to_string(l)));
      REQUIRE(chip.has_value());
      CHECK(chip->height >= h.ui().touch_target());
      for (const Rect& other : chips) {
        bool apart = chip->right() <= other.x || other.right() <= chip->x ||
                     chip->bottom() <= other.y || other.bottom() <= chip->y;
        CHECK(apart);
      }
      chips.push_back(*chip);
    }
    check_golden(h.screenshot(), "lang-welcome-" + std::string(to_string(language)));
  }
}

TEST_CASE("a tap on a language's button shows the welcome screen in it") {
  UiHarness h(Language::ar);
  offer_all_languages(h);
  h.show(std::make_unique<WelcomeScreen>(h.ui(), WelcomeScreen::Options{"K-1", "0.1.0"}));
  auto arabic = h.screenshot();
  h.tap("language:ml");
  CHECK(h.run_until([&] { return h.ui().language() == Language::ml; }));
  CHECK_FALSE(h.ui().right_to_left());
  h.tap("language:ur");
  CHECK(h.run_until([&] { return h.ui().language() == Language::ur; }));
  CHECK(h.ui().right_to_left());
  CHECK(testing::count_differences(arabic, h.screenshot()) > 1000);
}

TEST_CASE("golden: a form and a review screen in each language") {
  auto bundle = testing::health_bundle();
  REQUIRE(bundle);
  for (Language language : testing::k_new_languages) {
    CAPTURE(to_string(language));
    {
      UiHarness h(language);
      offer_all_languages(h);
      StepView form = testing::sample_form(h.ui(), *bundle);
      StepActions actions;
      actions.set_language = [](Language) {};
      auto screen = std::make_unique<StepScreen>(h.ui(), form, actions);
      StepScreen* step = screen.get();
      h.show(std::move(screen));
      // One tap from the step to the picker.
      REQUIRE(step->find_element("language").has_value());
      check_golden(h.screenshot(), "lang-form-" + std::string(to_string(language)));
    }
    {
      UiHarness h(language);
      offer_all_languages(h);
      StepView view = testing::sample_review(h.ui(), *bundle);
      h.show(std::make_unique<StepScreen>(h.ui(), view, StepActions{}));
      check_golden(h.screenshot(), "lang-review-" + std::string(to_string(language)));
    }
  }
}

TEST_CASE("five buttons in a row with long labels: each label wraps inside its own button") {
  // The municipal fees' payment step: the language, back, cancel and both payment methods, in
  // every language (in Tamil and Malayalam the methods' labels are longer than a fifth of the
  // screen and once ran over their neighbours).
  for (Language language : k_languages) {
    CAPTURE(to_string(language));
    UiHarness h(language);
    offer_all_languages(h);
    StepView view;
    view.kind = StepView::Kind::message;
    view.title = std::string(h.ui().message("step.continue"));
    view.options = {{"terminal", std::string(h.ui().message("payment.by_card")), ""},
                    {"reference", std::string(h.ui().message("payment.by_reference")), ""}};
    view.can_go_back = view.can_cancel = true;
    StepActions actions;
    actions.set_language = [](Language) {};
    auto screen = std::make_unique<StepScreen>(h.ui(), view, actions);
    StepScreen* step = screen.get();
    h.show(std::move(screen));
    auto shot = h.screenshot();
    std::vector<Rect> buttons;
    for (const char* id : {"language", "back", "cancel", "option:terminal", "option:reference"}) {
      auto rect = step->find_element(id);
      REQUIRE(rect.has_value());
      buttons.push_back(*rect);
    }
    std::sort(buttons.begin(), buttons.end(),
              [](const Rect& a, const Rect& b) { return a.x < b.x; });
    // Between two neighbours only the screen's background: no letter crosses a button's edge.
    const std::uint32_t background = shot.at(buttons[0].x - 2, buttons[0].y + 2) & 0xFFFFFFu;
    long ink_between = 0;
    for (std::size_t i = 0; i + 1 < buttons.size(); ++i) {
      for (int y = buttons[i].y; y < buttons[i].bottom(); ++y) {
        for (int x = buttons[i].right(); x < buttons[i + 1].x; ++x)
          ink_between += (shot.at(x, y) & 0xFFFFFFu) != background;
      }
    }
    CHECK(ink_between == 0);
    // And the labels are there: each button holds ink of its own colour inside its border.
    for (const Rect& b : buttons) {
      const std::uint32_t fill = shot.at(b.x + b.width / 2, b.y + 4) & 0xFFFFFFu;
      long label_pixels = 0;
      for (int y = b.y + 4; y < b.bottom() - 4; ++y) {
        for (int x = b.x + 4; x < b.right() - 4; ++x)
          label_pixels += (shot.at(x, y) & 0xFFFFFFu) != fill;
      }
      CHECK(label_pixels > 200);
    }
  }
}

TEST_CASE("golden: a receipt in each language at 576 and 384 dots") {
  auto bundle = testing::health_bundle();
  REQUIRE(bundle);
  for (Language language : testing::k_new_languages) {
    CAPTURE(to_string(language));
    UiHarness h(language);
    ReceiptDocument d = testing::sample_language_receipt(h.ui(), *bundle);
    for (int width : {576, 384}) {
      auto page = render_receipt(h.text(), d, width);
      REQUIRE(page);
      testing::Image image{page->width, page->height, {}};
      for (int y = 0; y < page->height; ++y) {
        for (int x = 0; x < page->width; ++x)
          image.argb.push_back(page->black(x, y) ? 0xFF000000u : 0xFFFFFFFFu);
      }
      check_golden(image, fmt::format("lang-receipt-{}-{}", to_string(language), width));
    }
  }
}

TEST_CASE("fonts are read only when a language needs them") {
  UiHarness h(Language::ar);
  const std::size_t at_start = h.text().fonts_read();
  h.show(std::make_unique<WelcomeScreen>(h.ui(), WelcomeScreen::Options{"K-1", "0.1.0"}));
  h.screenshot();
  CHECK(h.text().fonts_read() == at_start);  // an Arabic screen needs no other script's font
  h.ui().set_language(Language::ml);
  h.screenshot();
  CHECK(h.text().fonts_read() > at_start);  // Malayalam's, regular and bold
  std::size_t with_malayalam = h.text().fonts_read();
  h.ui().set_language(Language::ur);
  h.screenshot();
  CHECK(h.text().fonts_read() > with_malayalam);  // Nastaliq
}

TEST_CASE("golden: each script's own keyboard opens for a text answer, with Latin and digits") {
  auto bundle = testing::health_bundle();
  REQUIRE(bundle);
  for (Language language : testing::k_new_languages) {
    CAPTURE(to_string(language));
    const ScriptKeyboardRows* rows = script_keyboard_rows(language);
    if (language == Language::tl) {
      CHECK(rows == nullptr);  // Tagalog is typed with the Latin letters
      continue;
    }
    REQUIRE(rows != nullptr);
    UiHarness h(language);
    auto form = testing::sample_form(h.ui(), *bundle);
    form.fields.front().text.clear();
    auto screen = std::make_unique<StepScreen>(h.ui(), form, StepActions{});
    StepScreen* step = screen.get();
    h.show(std::move(screen));
    h.tap("national_id");
    const std::string first = rows->rows.front().front(), second = rows->rows[1].front();
    REQUIRE(h.run_until([&] { return step->find_element("key:" + first).has_value(); }));
    check_golden(h.screenshot(), "lang-keyboard-" + std::string(to_string(language)));
    // The script's letters type themselves; Latin and back; digits and back.
    h.tap("key:" + first);
    h.tap("key:" + second);
    h.tap("key:english");
    REQUIRE(h.run_until([&] { return step->find_element("key:q").has_value(); }));
    h.tap("key:q");
    h.tap("key:script");
    REQUIRE(h.run_until([&] { return step->find_element("key:" + first).has_value(); }));
    h.tap("key:numbers");
    REQUIRE(h.run_until([&] { return step->find_element("key:7").has_value(); }));
    h.tap("key:7");
    h.tap("key:letters");
    REQUIRE(h.run_until([&] { return step->find_element("key:" + first).has_value(); }));
    auto* field = dynamic_cast<TextField*>(step->root().find("national_id"));
    REQUIRE(field);
    h.settle();
    CHECK(field->text() == first + second + "q7");
  }
}
