// The SDL backend on SDL's dummy video driver: what is drawn at a logical point lands on the
// panel pixel the rotation says, and touches and clicks come back to the same logical point.
#include <SDL.h>

#include <doctest/doctest.h>

#include "drivers/display/display.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {

constexpr Rotation k_rotations[] = {Rotation::none, Rotation::cw90, Rotation::cw180,
                                    Rotation::cw270};
constexpr Size k_logical{400, 300};

std::unique_ptr<Display> open_headless(Logger& logger, Rotation rotation) {
  auto display =
      Display::open({DisplayMode::headless, k_logical, rotation}, Log(logger, "display"));
  REQUIRE_MESSAGE(display, (display ? "" : display.error().message));
  CHECK((*display)->headless());
  CHECK((*display)->driver_name() == "dummy");
  CHECK((*display)->size() == k_logical);
  return std::move(*display);
}

}  // namespace

TEST_CASE("a logical pixel is drawn on the panel pixel its rotation names, and saved as PNG") {
  Logger logger(LogLevel::warn);
  for (Rotation rotation : k_rotations) {
    CAPTURE(degrees(rotation));
    testing::TempDir dir;
    auto display = open_headless(logger, rotation);
    Canvas& canvas = display->begin_frame();
    CHECK(canvas.size() == k_logical);
    canvas.clear({0, 0, 0});
    canvas.fill_rect({10, 20, 1, 1}, {255, 255, 255});
    canvas.fill_rect({399, 299, 1, 1}, {255, 0, 0});
    bool saved = false;
    display->request_screenshot(dir / "frame.png",
                                [&](Expected<void> r) { saved = r.has_value(); });
    display->present();
    CHECK(saved);
    CHECK(display->frames_presented() == 1);

    auto image = testing::load_png(dir / "frame.png");
    REQUIRE(image);
    Size panel = physical_size(k_logical, rotation);
    CHECK(image->width == panel.width);
    CHECK(image->height == panel.height);
    Point white = to_physical({10, 20}, k_logical, rotation);
    Point red = to_physical({399, 299}, k_logical, rotation);
    CHECK(image->rgb(white.x, white.y) == 0xFFFFFFu);
    CHECK(image->rgb(red.x, red.y) == 0xFF0000u);
    long lit = 0;
    for (auto pixel : image->argb) lit += (pixel & 0xFFFFFFu) != 0;
    CHECK(lit == 2);
  }
}

TEST_CASE("an injected touch goes through SDL's queue and comes back at the same logical point") {
  Logger logger(LogLevel::warn);
  for (Rotation rotation : k_rotations) {
    CAPTURE(degrees(rotation));
    auto display = open_headless(logger, rotation);
    EventLoop loop(display->loop_backend());
    std::vector<PointerEvent> events;
    display->on_pointer([&](const PointerEvent& e) {
      events.push_back(e);
      if (e.kind == PointerEvent::Kind::up) loop.quit(0);
    });
    display->inject_touch(PointerEvent::Kind::down, {37, 123});
    display->inject_touch(PointerEvent::Kind::move, {38, 124});
    display->inject_touch(PointerEvent::Kind::up, {38, 124});
    loop.add_timer(5s, [&] { loop.quit(1); });
    REQUIRE(loop.run() == 0);
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == PointerEvent::Kind::down);
    CHECK(events[0].position == Point{37, 123});
    CHECK(events[1].kind == PointerEvent::Kind::move);
    CHECK(events[2].position == Point{38, 124});
  }
}

TEST_CASE("a mouse click is handled like a touch, rotated the same way") {
  Logger logger(LogLevel::warn);
  for (Rotation rotation : k_rotations) {
    CAPTURE(degrees(rotation));
    auto display = open_headless(logger, rotation);
    EventLoop loop(display->loop_backend());
    std::vector<PointerEvent> events;
    display->on_pointer([&](const PointerEvent& e) {
      events.push_back(e);
      if (e.kind == PointerEvent::Kind::up) loop.quit(0);
    });
    Point panel = to_physical({50, 60}, k_logical, rotation);
    for (Uint32 type : {SDL_MOUSEBUTTONDOWN, SDL_MOUSEBUTTONUP}) {
      SDL_Event e{};
      e.type = type;
      e.button.button = SDL_BUTTON_LEFT;
      e.button.which = 0;  // a real mouse, not SDL's touch emulation
      e.button.x = panel.x;
      e.button.y = panel.y;
      SDL_PushEvent(&e);
    }
    // A click synthesised from a touch is ignored: the touch itself was already delivered.
    SDL_Event synthetic{};
    synthetic.type = SDL_MOUSEBUTTONDOWN;
    synthetic.button.button = SDL_BUTTON_LEFT;
    synthetic.button.which = SDL_TOUCH_MOUSEID;
    SDL_PushEvent(&synthetic);
    display->loop_backend().wake();
    loop.add_timer(5s, [&] { loop.quit(1); });
    REQUIRE(loop.run() == 0);
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == PointerEvent::Kind::down);
    CHECK(events[0].position == Point{50, 60});
    CHECK(events[1].kind == PointerEvent::Kind::up);
  }
}
