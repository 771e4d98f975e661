// Spoken guidance on the real headless UI, with a recording Speaker behind the interface: what
// the voice is given to say, when, and in which language; the toggle on the welcome screen
// (real taps through SDL) and its reset for the next citizen; golden screenshots of the toggle
// and of a step screen with its controls in reach (ui.controls = "lower").
#include <doctest/doctest.h>

#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "kiosk/session/spoken_guidance.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::UiHarness;

namespace {

class RecordingSpeaker final : public Speaker {
 public:
  struct Said {
    std::string text;
    Language language;
  };
  void say(std::string text, Language language) override {
    said.push_back({std::move(text), language});
  }
  void stop() override { ++stops; }
  bool can_speak(Language language) const override { return language != Language::tl; }

  std::vector<Said> said;
  int stops = 0;
};

struct Kiosk {
  explicit Kiosk(UiHarness& h)
      : services(h.ui(), h.loop(), lanes, {}, "K-1", Log(logger, "services")),
        shell(
            h.ui(), h.app(), services, health,
            workflow::load_catalog(std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services"),
            [] {
              return CivilDate{2026, 11, 21};
            },
            {Language::ar, {"K-1", "0.1.0"}, {1, 1, 30}}, Log(logger, "shell")),
        guidance(h.ui(), h.app(), speaker, Log(logger, "guidance")) {
    for (auto device : {DeviceId::printer, DeviceId::card_reader, DeviceId::payment_terminal,
                        DeviceId::scanner}) {
      health.set_status(device, DeviceStatus::online);
    }
    shell.set_spoken_guidance(&guidance);
    shell.on_session_end([this](workflow::EndResult r) { ended = r; });
  }
  Logger logger{LogLevel::error};
  DeviceLanes lanes;
  DeviceHub health;
  KioskServices services;
  KioskShell shell;
  RecordingSpeaker speaker;
  SpokenGuidance guidance;
  std::optional<workflow::EndResult> ended;
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

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
  Kiosk kiosk(h);
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
  Kiosk kiosk(h);
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
  CHECK_FALSE(kiosk.guidance.enabled());
  CHECK(kiosk.speaker.stops >= 1);  // the voice was silenced, not left talking to nobody
  REQUIRE(
      h.app().screen()->find_element("speech").has_value());  // the welcome screen, toggle offered
  h.tap("start");
  CHECK(kiosk.speaker.said.size() == read_in_session);  // neither the welcome screen nor the menu
}

TEST_CASE("switching language with guidance on reads the welcome screen again in English") {
  UiHarness h(Language::ar);
  Kiosk kiosk(h);
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
