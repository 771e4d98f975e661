// No frame is drawn while nothing changes; a touch that changes the screen draws exactly one;
// and an unchanged text shapes and rasterises nothing when drawn again.
#include <doctest/doctest.h>

#include "drivers/display/display.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/core/messages.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "screens/shell/welcome_screen.hpp"
#include "screens/text/text_engine.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("the welcome screen draws once, sleeps while idle, and redraws only on change") {
  Logger logger(LogLevel::warn);
  auto display =
      Display::open({DisplayMode::headless, {1920, 1080}, Rotation::none}, Log(logger, "display"));
  REQUIRE(display);
  auto text = TextEngine::open(Config::Text{});
  REQUIRE(text);
  auto messages = Messages::load(std::filesystem::path(SHUBBAK_ASSETS_DIR) / "i18n/messages.toml");
  REQUIRE(messages);

  EventLoop loop((*display)->loop_backend());
  KioskApp app(loop, **display, Log(logger, "app"));
  UiContext ui(**text, loop, *messages, (*display)->size(), 96, Language::ar, DigitStyle::western,
               Log(logger, "ui"));
  auto screen = std::make_unique<WelcomeScreen>(ui, WelcomeScreen::Options{"K-1", "0.1.0"});
  WelcomeScreen* welcome = screen.get();
  app.show(std::move(screen));

  std::uint64_t frames_while_idle = 0, frames_after_switch = 0, frames_after_idle_again = 0;
  TextEngine::Counters arabic_first{}, english{}, arabic_again{};
  Language after_first_tap = Language::ar;
  auto tap = [&](std::string_view element) {
    Point at = welcome->find_element(element)->center();
    (*display)->inject_touch(PointerEvent::Kind::down, at);
    (*display)->inject_touch(PointerEvent::Kind::up, at);
  };
  loop.add_timer(300ms, [&] {
    frames_while_idle = app.frames_drawn();
    arabic_first = (*text)->counters();
    tap("language");
  });
  loop.add_timer(400ms, [&] {
    frames_after_switch = app.frames_drawn();
    after_first_tap = welcome->language();
    english = (*text)->counters();
    tap("language");  // back to Arabic: every text and glyph is cached by now
  });
  loop.add_timer(700ms, [&] {
    frames_after_idle_again = app.frames_drawn();
    arabic_again = (*text)->counters();
    loop.quit(0);
  });
  REQUIRE(loop.run() == 0);

  CHECK(frames_while_idle == 1);  // 300 ms idle after the first frame: nothing drawn
  CHECK(after_first_tap == Language::en);
  CHECK(frames_after_switch == 2);  // one tap, one frame
  CHECK(frames_after_idle_again == 3);
  CHECK(welcome->language() == Language::ar);
  // The English screen cost new layouts; drawing the Arabic one again cost nothing.
  CHECK(english.layouts > arabic_first.layouts);
  CHECK(english.rasterisations > arabic_first.rasterisations);
  CHECK(arabic_again.layouts == english.layouts);
  CHECK(arabic_again.shape_calls == english.shape_calls);
  CHECK(arabic_again.rasterisations == english.rasterisations);
}
