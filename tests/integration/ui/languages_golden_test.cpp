// Every language beyond Arabic and English on the screens a citizen sees and on paper: the
// welcome screen with its language picker, a form, a review screen and a receipt at 576 and 384
// dots, in golden images (software renderer, pixel-exact) made from the shipped catalogs and the
// demo service's own texts, with a sentence per language chosen for its script's hard cases:
// Nastaliq's cascading joins and descent, Devanagari's reph and half forms, Bengali and
// Malayalam conjuncts, Tamil's vowel signs around their consonant, Farsi with ZWNJ, Persian and
// Western digits and Latin inside, Tagalog's ñ. Each image was looked at when made; regenerate
// with SHUBBAK_UPDATE_GOLDEN=1 and look again.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "kiosk/workflow/bundle_reader.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using testing::UiHarness;

namespace {

constexpr Language k_new_languages[] = {Language::ur, Language::hi, Language::bn, Language::ml,
                                        Language::ta, Language::fa, Language::tl};

// The sample sentences of assets/i18n/languages.toml.
std::string_view sample(Language language) {
  switch (language) {
    case Language::ur:
      return "یہ ایک نمونہ جملہ ہے جو نستعلیق میں لکھا گیا ہے، تاکہ ہر حرف صاف نظر آئے۔";
    case Language::hi:
      return "कृपया इस स्थान पर अपने कार्य की प्रक्रिया पूरी करें।";
    case Language::bn:
      return "অনুগ্রহ করে প্রার্থীর স্বাক্ষর, জন্মতারিখ ও ঠিকানা যাচাই করুন।";
    case Language::ml:
      return "സർക്കാർ സേവനങ്ങൾ ഇപ്പോൾ ഈ കിയോസ്കിൽ ലഭ്യമാണ്; ക്ഷമയോടെ കാത്തിരിക്കുക.";
    case Language::ta:
      return "கொடுக்கப்பட்ட கோரிக்கை கையொப்பத்துடன் சரிபார்க்கப்பட்டது, பௌர்ணமி அன்று.";
    case Language::fa:  // with its zero-width non-joiners (U+200C) spelled out
      return "می\u200Cتوانید کد QR را اسکن کنید یا به help@shubbak.example ایمیل بزنید؛ "
             "شمارهٔ نوبت شما ۱۲۳ (123) است.";
    case Language::tl:
      return "Magandang araw! Pakisulat ang inyong pangalan at tirahan, hal. Santo Niño, "
             "Peñaflor.";
    default:
      return "";
  }
}

std::shared_ptr<const workflow::Bundle> health_bundle() {
  std::ifstream in(std::filesystem::path(SHUBBAK_ASSETS_DIR) /
                   "services/jordan.health.appointment.json");
  std::ostringstream json;
  json << in.rdbuf();
  auto loaded = workflow::load_bundle(json.str());
  REQUIRE(std::holds_alternative<std::shared_ptr<const workflow::Bundle>>(loaded));
  return std::get<std::shared_ptr<const workflow::Bundle>>(loaded);
}

std::string choice_label(const workflow::Bundle& bundle, std::string_view field,
                         std::string_view value, Language language) {
  for (const auto& choice : bundle.field(field)->choices) {
    if (choice.value == value) return choice.label.in(language);
  }
  FAIL("no choice ", value);
  return {};
}

void check_golden(const testing::Image& shot, const std::string& name) {
  CHECK_MESSAGE(testing::compare_with_golden(shot, name) == "", name);
}

void offer_all_languages(UiHarness& h) {
  h.ui().set_languages({std::begin(k_languages), std::end(k_languages)});
}

}  // namespace

TEST_CASE("golden: the welcome screen in each language, with the picker naming every language") {
  auto bundle = health_bundle();
  for (Language language : k_new_languages) {
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
  auto bundle = health_bundle();
  for (Language language : k_new_languages) {
    CAPTURE(to_string(language));
    const auto* who = bundle->step("who");
    const auto* review = bundle->step("review");
    REQUIRE(who);
    REQUIRE(review);
    {
      UiHarness h(language);
      offer_all_languages(h);
      StepView form;
      form.kind = StepView::Kind::form;
      form.service_title = bundle->title.in(language);
      form.title = who->title.in(language);
      form.body = std::string(sample(language));
      StepField id;
      id.id = "national_id";
      id.label = bundle->field("national_id")->label.in(language);
      id.text = "9861031236";
      StepField governorate;
      governorate.id = "governorate";
      governorate.label = bundle->field("governorate")->label.in(language);
      governorate.input = StepField::Input::choice;
      for (const auto& choice : bundle->field("governorate")->choices)
        governorate.choices.push_back({choice.value, choice.label.in(language), ""});
      governorate.selected = {"amman"};
      StepField phone;
      phone.id = "phone";
      phone.label = bundle->field("phone")->label.in(language);
      phone.input = StepField::Input::phone;
      form.fields = {id, governorate, phone};
      form.primary = std::string(h.ui().message("step.continue"));
      form.can_go_back = form.can_cancel = true;
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
      StepView view;
      view.kind = StepView::Kind::review;
      view.service_title = bundle->title.in(language);
      view.title = review->title.in(language);
      auto day = h.ui().format().date({2026, 12, 6}, CalendarKind::gregorian);
      REQUIRE(day);
      view.summary = {{bundle->field("national_id")->label.in(language), "9861031236"},
                      {bundle->field("governorate")->label.in(language),
                       choice_label(*bundle, "governorate", "amman", language)},
                      {bundle->field("clinic")->label.in(language),
                       choice_label(*bundle, "clinic", "general", language)},
                      {bundle->field("day")->label.in(language), *day},
                      {bundle->field("phone")->label.in(language), "0791234567"}};
      view.primary = std::string(h.ui().message("step.confirm"));
      view.can_go_back = view.can_cancel = true;
      h.show(std::make_unique<StepScreen>(h.ui(), view, StepActions{}));
      check_golden(h.screenshot(), "lang-review-" + std::string(to_string(language)));
    }
  }
}

TEST_CASE("golden: a receipt in each language at 576 and 384 dots") {
  auto bundle = health_bundle();
  for (Language language : k_new_languages) {
    CAPTURE(to_string(language));
    UiHarness h(language);
    ReceiptDocument d;
    d.language = language;
    d.issuer = bundle->title.in(language);
    d.title = bundle->receipt->title.in(language);
    auto day = h.ui().format().date({2026, 12, 6}, CalendarKind::gregorian);
    REQUIRE(day);
    d.lines = {{bundle->receipt->lines[0].label.in(language),
                choice_label(*bundle, "clinic", "general", language)},
               {bundle->receipt->lines[1].label.in(language), *day}};
    d.details = {{std::string(h.ui().message("receipt.transaction")),
                  "0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091"},
                 {std::string(h.ui().message("receipt.time")), "2026-12-05 09:41"},
                 {std::string(h.ui().message("receipt.kiosk")), "MCT-SEEB-07"}};
    d.footer = std::string(sample(language));
    d.qr_text = "SHUBBAK-SAMPLE";
    d.qr_caption = std::string(h.ui().message("receipt.qr_caption"));
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
