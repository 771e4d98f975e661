// Spoken guidance on the real headless UI, with a recording Speaker behind the interface: what
// the voice is given to say, when, and in which language; the toggle on the welcome screen
// (real taps through SDL) and its reset for the next citizen; golden screenshots of the toggle
// and of a step screen with its controls in reach (ui.controls = "lower").
#include <doctest/doctest.h>

#include "screens/shell/technician_pin_screen.hpp"
#include "screens/shell/technician_screen.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "screens/ui/text_field.hpp"
#include "screens/ui/widget_screen.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/integration/audio/keypad_walk.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::contains;
using testing::GuidedKiosk;
using testing::last_said;
using testing::press;
using testing::RecordingSpeaker;
using testing::UiHarness;

namespace {

StepView passport_menu(const UiContext& ui, std::size_t options = 3) {
  StepView view;
  view.kind = StepView::Kind::menu;
  view.service_title = ui.language() == Language::ar ? "الأحوال المدنية" : "Civil status";
  view.title = ui.language() == Language::ar ? "اختر الخدمة" : "Choose a service";
  view.body =
      ui.language() == Language::ar ? "رسوم كل خدمة ظاهرة بجانبها" : "Each service shows its fee";
  view.options = {
      {"birth", ui.language() == Language::ar ? "شهادة ميلاد" : "Birth certificate", "1.000"},
      {"id", ui.language() == Language::ar ? "بطاقة شخصية" : "Identity card", "5.000"},
      {"passport", ui.language() == Language::ar ? "جواز سفر" : "Passport", "20.000"}};
  view.options.resize(options);
  view.can_go_back = true;
  view.primary = std::string(ui.message("step.continue"));
  return view;
}

}  // namespace

TEST_CASE(
    "guidance is off at first; a real tap on the toggle turns it on and the next screens are read "
    "in Arabic") {
  UiHarness h(Language::ar);
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.settle();
  CHECK_FALSE(kiosk.guidance.enabled());
  CHECK(kiosk.speaker.said.empty());  // off: the welcome screen is not read

  h.tap("speech");
  REQUIRE(kiosk.guidance.enabled());
  REQUIRE(kiosk.speaker.said.size() == 1);
  CHECK(kiosk.speaker.said[0].language == Language::ar);
  CHECK(contains(kiosk.speaker.said[0].text, "الإرشاد الصوتي: مفعّل"));
  CHECK(contains(kiosk.speaker.said[0].text, "زر: المس هنا للبدء"));

  h.tap("start");  // the service menu, read with its options and its back button
  REQUIRE(kiosk.speaker.said.size() == 2);
  const std::string& menu = kiosk.speaker.said[1].text;
  CHECK(kiosk.speaker.said[1].language == Language::ar);
  CHECK(menu.starts_with(std::string(h.ui().message("menu.title"))));
  CHECK(contains(menu, "خيار: "));
  CHECK(contains(menu, "زر: رجوع"));
  CHECK_FALSE(contains(menu, "Button"));
}

TEST_CASE("the next citizen starts with guidance off, and is not read to") {
  UiHarness h(Language::ar);
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.settle();
  h.tap("speech");
  REQUIRE(kiosk.guidance.enabled());
  kiosk.shell.start_service("jordan.health.appointment");
  REQUIRE(kiosk.shell.session() != nullptr);
  const std::size_t read_in_session = kiosk.speaker.said.size();
  CHECK(read_in_session >= 2);  // the welcome screen and the service's first step

  // The citizen walks away: the idle timers wipe the session.
  REQUIRE(h.run_until([&] { return kiosk.ended.has_value(); }, 8s));
  h.settle();
  // The idle warning was spoken before the wipe.
  REQUIRE(kiosk.speaker.said.size() == read_in_session + 1);
  CHECK(contains(kiosk.speaker.said.back().text, "ستنتهي الجلسة"));
  CHECK_FALSE(kiosk.guidance.enabled());
  CHECK(kiosk.speaker.stops >= 1);  // the voice was silenced, not left talking to nobody
  REQUIRE(
      h.app().screen()->find_element("speech").has_value());  // the welcome screen, toggle offered
  h.tap("start");
  CHECK(kiosk.speaker.said.size() ==
        read_in_session + 1);  // neither the welcome screen nor the menu
}

TEST_CASE("switching language with guidance on reads the welcome screen again in English") {
  UiHarness h(Language::ar);
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.settle();
  h.tap("speech");
  h.tap("language");
  REQUIRE(kiosk.speaker.said.size() == 2);
  CHECK(kiosk.speaker.said[1].language == Language::en);
  CHECK(contains(kiosk.speaker.said[1].text, "Spoken guidance: on."));
  CHECK(contains(kiosk.speaker.said[1].text, "Button: Touch here to start."));
  h.tap("speech");  // off again: silence now
  CHECK_FALSE(kiosk.guidance.enabled());
  CHECK(kiosk.speaker.stops == 1);
  CHECK(kiosk.speaker.said.size() == 2);
}

TEST_CASE("a step screen is read from the same view it shows; the same words are not read twice") {
  UiHarness h(Language::ar);
  RecordingSpeaker speaker;
  Logger logger{LogLevel::error};
  SpokenGuidance guidance(h.ui(), h.app(), speaker, Log(logger, "guidance"));
  guidance.set_enabled(true);
  h.show(std::make_unique<StepScreen>(h.ui(), passport_menu(h.ui()), StepActions{}));
  h.show(std::make_unique<StepScreen>(h.ui(), passport_menu(h.ui()),
                                      StepActions{}));  // redrawn, same words
  REQUIRE(speaker.said.size() == 1);
  CHECK(speaker.said[0].text ==
        "اختر الخدمة. رسوم كل خدمة ظاهرة بجانبها. خيار: شهادة ميلاد. خيار: بطاقة شخصية. خيار: جواز "
        "سفر. زر: رجوع. زر: "
        "متابعة.");
  guidance.repeat();
  CHECK(speaker.said.size() == 2);
}

TEST_CASE("golden: the welcome screen's guidance toggle, off in Arabic and on in English") {
  for (Language language : {Language::ar, Language::en}) {
    UiHarness h(language);
    auto welcome = std::make_unique<WelcomeScreen>(h.ui(), WelcomeScreen::Options{"K-1", "0.1.0"});
    welcome->offer_speech_toggle(language == Language::en, [] { return true; });
    WelcomeScreen* screen = welcome.get();
    h.show(std::move(welcome));
    auto toggle = screen->find_element("speech");
    REQUIRE(toggle.has_value());
    // A large touch target, below the start button, inside the screen.
    CHECK(toggle->height >= h.ui().touch_target());
    CHECK(toggle->width >= 3 * h.ui().touch_target());
    CHECK(toggle->y >= screen->find_element("start")->bottom());
    CHECK(toggle->bottom() <= h.ui().screen().height);
    auto shot = h.screenshot();
    std::string name = std::string("welcome-speech-") + std::string(to_string(language));
    CHECK_MESSAGE(testing::compare_with_golden(shot, name) == "", name);
  }
}

TEST_CASE(
    "ui.controls = lower puts the menu and the buttons in the lower half; anywhere does not") {
  for (ControlsReach reach : {ControlsReach::anywhere, ControlsReach::lower}) {
    UiHarness h(Language::ar);
    h.ui().set_controls_reach(reach);
    // Two options fit in the lower half of a 1080-pixel screen; more start as low as they fit.
    auto screen = std::make_unique<StepScreen>(h.ui(), passport_menu(h.ui(), 2), StepActions{});
    StepScreen* step = screen.get();
    h.show(std::move(screen));
    auto shot = h.screenshot();
    const int half = h.ui().screen().height / 2;
    auto first_option = step->find_element("option:birth");
    REQUIRE(first_option.has_value());
    for (std::string_view id : {"back", "primary"}) CHECK(step->find_element(id)->y >= half);
    CHECK(step->find_element("title")->y < half);  // the text stays at the top
    if (reach == ControlsReach::lower) {
      CHECK(first_option->y >= half);
      CHECK_MESSAGE(testing::compare_with_golden(shot, "step-controls-lower") == "",
                    "step-controls-lower");
    } else {
      CHECK(first_option->y < half);
    }
  }
}

// --- The keypad alone (EN 301 549 5.1.6.1, 5.1.3) ---------------------------------------------

TEST_CASE("keypad: the idle warning is spoken, and Enter asks for more time") {
  UiHarness h(Language::en);
  GuidedKiosk kiosk(h, {1, 20, 30});
  kiosk.shell.show_welcome();
  h.ui().set_language(Language::en);
  h.settle();
  press(h, KeyEvent::Kind::down);  // the keypad: the voice on
  REQUIRE(kiosk.guidance.enabled());
  kiosk.shell.start_service("jordan.health.appointment");
  REQUIRE(kiosk.shell.session() != nullptr);
  REQUIRE(h.run_until([&] { return h.app().screen()->find_element("more-time").has_value(); }, 3s));
  h.settle();
  CHECK(contains(last_said(kiosk), "Your session ends in 20 seconds"));
  CHECK(contains(last_said(kiosk), "Button: I need more time"));
  press(h, KeyEvent::Kind::enter);
  CHECK(kiosk.shell.session()->extensions() == 1);
  CHECK_FALSE(h.app().screen()->find_element("more-time").has_value());
}

TEST_CASE("keypad: repeat, pause and resume, volume and speed, help, privacy blanking") {
  UiHarness h(Language::en);
  GuidedKiosk kiosk(h, {60, 20, 30});
  kiosk.shell.show_welcome();
  h.ui().set_language(Language::en);
  h.settle();
  press(h, KeyEvent::Kind::repeat);  // the first key starts the voice with the screen
  REQUIRE(kiosk.guidance.enabled());
  REQUIRE(kiosk.speaker.said.size() == 1);
  std::string screen = last_said(kiosk);

  press(h, KeyEvent::Kind::repeat);
  REQUIRE(kiosk.speaker.said.size() == 2);
  CHECK(last_said(kiosk) == screen);

  int stops = kiosk.speaker.stops;
  press(h, KeyEvent::Kind::pause);
  CHECK(kiosk.guidance.paused());
  CHECK(kiosk.speaker.stops == stops + 1);
  press(h, KeyEvent::Kind::pause);  // resume: the screen again
  CHECK_FALSE(kiosk.guidance.paused());
  CHECK(last_said(kiosk) == screen);

  press(h, KeyEvent::Kind::volume_up);
  CHECK(kiosk.speaker.volume == 120);
  CHECK(last_said(kiosk) == "Volume 120 percent");
  for (int i = 0; i < 12; ++i) press(h, KeyEvent::Kind::volume_down);
  CHECK(kiosk.speaker.volume == 20);  // never silent
  press(h, KeyEvent::Kind::speed_up);
  CHECK(kiosk.speaker.rate == 175);
  CHECK(last_said(kiosk) == "Speed 175 words a minute");
  press(h, KeyEvent::Kind::speed_down);
  press(h, KeyEvent::Kind::speed_down);
  CHECK(kiosk.speaker.rate == 125);

  press(h, KeyEvent::Kind::help);
  CHECK(contains(last_said(kiosk), "Keypad:"));

  // Privacy: the screen goes black, the voice goes on.
  press(h, KeyEvent::Kind::privacy);
  CHECK(h.app().blanked());
  CHECK(contains(last_said(kiosk), "screen is off"));
  auto dark = h.screenshot();
  CHECK(dark.rgb(960, 540) == dark.rgb(10, 10));
  CHECK(dark.rgb(960, 540) == 0u);
  press(h, KeyEvent::Kind::privacy);
  CHECK_FALSE(h.app().blanked());

  // The next citizen: everything back.
  kiosk.guidance.set_enabled(false);
  CHECK(kiosk.speaker.volume == 100);
  CHECK(kiosk.speaker.rate == 150);
  CHECK_FALSE(h.app().blanked());
}

TEST_CASE("a secret is announced by its length, its characters echoed as hidden") {
  UiHarness h(Language::en);
  GuidedKiosk kiosk(h, {60, 20, 30});
  kiosk.guidance.set_enabled(true);
  auto column = std::make_unique<Column>(h.ui(), 10, 10);
  auto& pin = column->add<TextField>("PIN", InputKind::number, "pin");
  pin.set_spoken_label("PIN");
  pin.set_secret(true);
  auto& card = column->add<TextField>("", InputKind::number, "card");
  card.set_spoken_label("Card");
  h.show(std::make_unique<WidgetScreen>(h.ui(), std::move(column)));
  h.settle();
  press(h, KeyEvent::Kind::down);
  CHECK(last_said(kiosk) == "Text field: PIN, empty");
  h.display().inject_text("4");
  h.settle();
  CHECK(last_said(kiosk) == "hidden character");
  h.display().inject_text("321");
  h.settle();
  press(h, KeyEvent::Kind::down);
  press(h, KeyEvent::Kind::down);  // round to the PIN again
  CHECK(last_said(kiosk) == "Text field: PIN, 4 characters entered");
  CHECK_FALSE(contains(last_said(kiosk), "4321"));
  // A card number typed where no secret was expected: its length only, all the same.
  press(h, KeyEvent::Kind::down);
  h.display().inject_text("4111111111111111");
  h.settle();
  CHECK(last_said(kiosk) == "hidden character");
  press(h, KeyEvent::Kind::down);
  press(h, KeyEvent::Kind::down);
  CHECK(last_said(kiosk) == "Text field: Card, 16 characters entered");
  for (const auto& said : kiosk.speaker.said) {
    CHECK_FALSE(contains(said.text, "4111"));
    CHECK_FALSE(contains(said.text, "321"));
  }
}

TEST_CASE("keypad: the welcome screen's language switch is focused and Enter reads it in English") {
  UiHarness h(Language::ar);
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();  // two languages: one switch button in the header
  h.settle();
  auto switch_box = h.app().screen()->find_element("language");
  REQUIRE(switch_box.has_value());
  // The ring's outer line lies along the inside of the control's edge, in the theme's text colour.
  auto ring_on_switch = [&] {
    auto box = *h.app().screen()->find_element("language");
    auto shot = h.screenshot();
    const Color ink = h.ui().theme().text;
    const std::uint32_t text = (std::uint32_t{ink.r} << 16) | (std::uint32_t{ink.g} << 8) | ink.b;
    return shot.rgb(box.x + 1, box.y + box.height / 2) == text &&
           shot.rgb(box.right() - 2, box.y + box.height / 2) == text;
  };
  CHECK_FALSE(ring_on_switch());  // nothing focused yet

  press(h, KeyEvent::Kind::down);  // the voice on, the screen read in Arabic
  REQUIRE(kiosk.guidance.enabled());
  REQUIRE(kiosk.speaker.said.size() == 1);
  CHECK(kiosk.speaker.said[0].language == Language::ar);

  press(h, KeyEvent::Kind::down);  // the first control in reading order: the language switch
  CHECK(last_said(kiosk) == "زر: English");
  CHECK(ring_on_switch());
  press(h, KeyEvent::Kind::enter);
  CHECK(h.ui().language() == Language::en);
  // Read again, whole, in the language picked.
  CHECK(kiosk.speaker.said.back().language == Language::en);
  CHECK(contains(last_said(kiosk), "Button: Touch here to start."));
  // The focus stays on the switch, now at the other end of the header and offering Arabic.
  CHECK(ring_on_switch());
  press(h, KeyEvent::Kind::up);
  press(h, KeyEvent::Kind::down);
  CHECK(last_said(kiosk) == "Button: العربية");

  // Down again goes on to the display button, then start; Enter there opens the menu.
  press(h, KeyEvent::Kind::down);
  CHECK(contains(last_said(kiosk), "Button: "));
  press(h, KeyEvent::Kind::down);
  CHECK(last_said(kiosk) == "Button: Touch here to start");
  press(h, KeyEvent::Kind::enter);
  CHECK(h.app().screen()->find_element("back").has_value());  // the service menu
}

TEST_CASE("keypad: the language picker's buttons are options read in their own names") {
  UiHarness h(Language::ar);
  h.ui().set_languages({Language::ar, Language::en, Language::ur, Language::hi});
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.settle();
  press(h, KeyEvent::Kind::down);  // the voice on
  press(h, KeyEvent::Kind::down);
  CHECK(last_said(kiosk) == "الخيار 1 من 4: العربية، مختار");
  press(h, KeyEvent::Kind::down);
  CHECK(last_said(kiosk) == "الخيار 2 من 4: English، غير مختار");
  press(h, KeyEvent::Kind::down);
  CHECK(contains(last_said(kiosk), "اردو"));
  press(h, KeyEvent::Kind::enter);  // Urdu
  CHECK(h.ui().language() == Language::ur);
  CHECK(kiosk.speaker.said.back().language == Language::ur);
  CHECK(contains(last_said(kiosk), std::string(h.ui().message("welcome.start"))));
  // Its option now reads as the one selected, in Urdu.
  press(h, KeyEvent::Kind::up);
  press(h, KeyEvent::Kind::down);
  CHECK(kiosk.speaker.said.back().language == Language::ur);
  CHECK(contains(last_said(kiosk), "اردو"));
  CHECK(contains(last_said(kiosk), std::string(h.ui().message("speech.selected"))));
  CHECK_FALSE(contains(last_said(kiosk), std::string(h.ui().message("speech.not_selected"))));
}

TEST_CASE("keypad: the technician's PIN typed, erased and submitted, announced by length only") {
  UiHarness h(Language::en);
  GuidedKiosk kiosk(h, {60, 20, 30});
  kiosk.guidance.set_enabled(true);
  auto screen = std::make_unique<TechnicianPinScreen>(h.ui());
  TechnicianPinScreen* pin_screen = screen.get();
  std::vector<std::string> submitted;
  pin_screen->on_submit([&](std::string pin) { submitted.push_back(std::move(pin)); });
  h.show(std::move(screen));
  h.settle();
  const std::size_t shown = kiosk.speaker.said.size();  // the screen read, its pad's keys named

  h.display().inject_text("2468");
  h.settle();
  CHECK(pin_screen->digits_entered() == 4);
  CHECK(last_said(kiosk) == "4 characters entered");
  press(h, KeyEvent::Kind::backspace);
  CHECK(pin_screen->digits_entered() == 3);
  CHECK(last_said(kiosk) == "3 characters entered");
  h.display().inject_text("1x0");  // a letter from a full keyboard is not a PIN digit
  h.settle();
  CHECK(pin_screen->digits_entered() == 5);
  press(h, KeyEvent::Kind::enter);
  REQUIRE(submitted.size() == 1);
  CHECK(submitted[0] == "24610");
  CHECK(pin_screen->digits_entered() == 0);
  // From the first digit on, nothing but lengths was said: never a digit of the PIN.
  REQUIRE(kiosk.speaker.said.size() > shown);
  for (std::size_t i = shown; i < kiosk.speaker.said.size(); ++i)
    CHECK(kiosk.speaker.said[i].text.ends_with(" characters entered"));
  // The pad's own keys by keypad too: down to the first key, Enter presses it.
  press(h, KeyEvent::Kind::down);
  CHECK(contains(last_said(kiosk), "Button: "));
}

TEST_CASE(
    "keypad: the technician's screen, every action announced and run by Enter, each key "
    "keeping the technician's session alive") {
  UiHarness h(Language::en);
  GuidedKiosk kiosk(h, {60, 20, 30});
  kiosk.guidance.set_enabled(true);
  auto screen = std::make_unique<TechnicianScreen>(
      h.ui(), "Technician", std::vector<DiagnosticRow>{{"outbox", "Waiting to send", "0"}},
      std::vector<std::vector<TechnicianAction>>{{{"print", "Print a test page"}},
                                                 {{"logout", "Log out", true}}});
  TechnicianScreen* technician = screen.get();
  std::vector<std::string> actions;
  int activity = 0;
  technician->on_action([&](const std::string& id) { actions.push_back(id); });
  technician->on_touch([&] { ++activity; });
  h.show(std::move(screen));
  h.settle();
  REQUIRE(move_to(h, kiosk, "Button: Print a test page"));
  const int keys_so_far = activity;
  CHECK(keys_so_far > 0);  // each key counted as the technician's presence
  press(h, KeyEvent::Kind::enter);
  CHECK(activity == keys_so_far + 1);
  REQUIRE(move_to(h, kiosk, "Button: Log out"));
  press(h, KeyEvent::Kind::enter);
  CHECK(actions == std::vector<std::string>{"print", "logout"});
}

namespace {

// Whether some row of the upper half of `shot` holds a run of at least `run` pixels of `colour`:
// a control's fill (a button, a language, a dialog's panel), where a letter's strokes are short.
bool filled_above_middle(const testing::Image& shot, std::uint32_t colour, int run) {
  for (int y = 0; y < shot.height / 2; ++y) {
    int length = 0;
    for (int x = 0; x < shot.width; ++x) {
      length = shot.rgb(x, y) == colour ? length + 1 : 0;
      if (length >= run) return true;
    }
  }
  return false;
}

std::uint32_t rgb_of(Color c) {
  return (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
}

}  // namespace

TEST_CASE(
    "ui.controls = lower on every screen: the welcome screen (switch and picker), the menu and a "
    "dialog keep every control in the lower half") {
  for (ControlsReach reach : {ControlsReach::anywhere, ControlsReach::lower}) {
    for (std::size_t offered : {2u, 9u}) {
      for (Language language : {Language::ar, Language::en}) {
        CAPTURE(static_cast<int>(reach));
        CAPTURE(offered);
        CAPTURE(to_string(language));
        UiHarness h(language);
        h.ui().set_controls_reach(reach);
        h.ui().set_languages(
            std::vector<Language>(std::begin(k_languages), std::begin(k_languages) + offered));
        GuidedKiosk kiosk(h);
        kiosk.shell.show_welcome();
        h.ui().set_language(language);
        h.settle();
        auto* welcome = h.app().screen();
        const int half = h.ui().screen().height / 2;
        std::vector<std::string> controls = {"display", "start", "speech"};
        for (Language l : h.ui().languages()) {
          if (l != language) controls.push_back("language:" + std::string(to_string(l)));
        }
        bool all_lower = true;
        for (const auto& id : controls) {
          auto box = welcome->find_element(id);
          REQUIRE_MESSAGE(box.has_value(), id);
          CHECK(box->bottom() <= h.ui().screen().height);
          all_lower = all_lower && box->y >= half;
        }
        // From the pixels: no control's fill above the middle (the header's buttons and the
        // languages are white, or the theme's surface, in the anywhere layout).
        auto shot = h.screenshot();
        const bool filled =
            filled_above_middle(shot, rgb_of(h.ui().theme().surface), h.ui().touch_target());
        if (reach == ControlsReach::lower) {
          CHECK(all_lower);
          CHECK_FALSE(filled);
          if (offered == 2 && language == Language::ar)
            CHECK_MESSAGE(testing::compare_with_golden(shot, "welcome-controls-lower-ar") == "",
                          "welcome-controls-lower-ar");
          if (offered == 9 && language == Language::en)
            CHECK_MESSAGE(
                testing::compare_with_golden(shot, "welcome-controls-lower-picker-en") == "",
                "welcome-controls-lower-picker-en");
        } else {
          CHECK_FALSE(all_lower);
          CHECK(filled);
        }

        // The shell's menu: its buttons in the lower half; its list (three services and the time
        // setting, taller than the lower half) as low as it fits, its last entry on the buttons.
        h.tap("start");
        auto* menu = dynamic_cast<WidgetScreen*>(h.app().screen());
        REQUIRE(menu != nullptr);
        auto back = menu->find_element("back");
        auto last_entry = menu->find_element("option:more-time");
        REQUIRE(back.has_value());
        REQUIRE(last_entry.has_value());
        CHECK(back->y >= half);
        const int gap_to_buttons = back->y - last_entry->bottom();
        CAPTURE(gap_to_buttons);
        CHECK((gap_to_buttons <= 6 * h.ui().unit()) == (reach == ControlsReach::lower));

        // A dialog (the language picker of a step is one), its buttons at its foot.
        std::vector<DialogButton> buttons = {{"OK", [] {}, "ok", true}, {"No", [] {}, "no"}};
        menu->show_dialog(std::make_unique<Dialog>(h.ui(), "Title", "A message of two lines.",
                                                   std::move(buttons)));
        h.settle();
        for (const char* id : {"ok", "no"}) {
          auto box = menu->find_element(id);
          REQUIRE(box.has_value());
          if (reach == ControlsReach::lower) CHECK(box->y >= half);
        }
        auto dialog_shot = h.screenshot();
        const bool panel_above = filled_above_middle(dialog_shot, rgb_of(h.ui().theme().background),
                                                     h.ui().touch_target());
        CHECK(panel_above == (reach == ControlsReach::anywhere));
      }
    }
  }
}
