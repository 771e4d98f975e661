// The toolkit driven by touches injected through SDL's real input queue (and keys as a USB
// keyboard sends them): tap, drag, fling, typing on each keyboard, caret movement across
// direction boundaries, deletion by grapheme, modal dialogs, countdowns.
#include <SDL.h>

#include <set>

#include <doctest/doctest.h>

#include "screens/ui/button.hpp"
#include "screens/ui/choice.hpp"
#include "screens/ui/countdown_banner.hpp"
#include "screens/ui/date_input.hpp"
#include "screens/ui/label.hpp"
#include "screens/ui/list_view.hpp"
#include "tests/integration/ui/gallery.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::UiHarness;

namespace {

template <class W>
W& widget(WidgetScreen& screen, std::string_view id) {
  auto* w = dynamic_cast<W*>(screen.root().find(id));
  REQUIRE_MESSAGE(w != nullptr, "no widget " << id);
  return *w;
}

// A press, moves and a release spaced `step` apart in real time, as a finger does.
void swipe(UiHarness& h, Point from, Point to, int moves, std::chrono::milliseconds step,
           std::chrono::milliseconds rest = 0ms) {
  h.display().inject_touch(PointerEvent::Kind::down, from);
  h.run_until([] { return false; }, step);
  for (int i = 1; i <= moves; ++i) {
    Point p{from.x + (to.x - from.x) * i / moves, from.y + (to.y - from.y) * i / moves};
    h.display().inject_touch(PointerEvent::Kind::move, p);
    h.run_until([] { return false; }, step);
  }
  if (rest > 0ms) h.run_until([] { return false; }, rest);
  h.display().inject_touch(PointerEvent::Kind::up, to);
  h.settle();
}

std::vector<ListItem> many_items(int n) {
  std::vector<ListItem> items;
  for (int i = 0; i < n; ++i) items.push_back({"خدمة رقم " + std::to_string(i + 1), ""});
  return items;
}

std::unique_ptr<WidgetScreen> list_screen(UiHarness& h, ListView*& list,
                                          std::vector<std::size_t>& chosen) {
  auto root = std::make_unique<Column>(h.ui(), 0, 40, Align::stretch, "root");
  list = &root->add<ListView>(many_items(20), "list", 4);
  list->on_select([&chosen](std::size_t i) { chosen.push_back(i); });
  return std::make_unique<WidgetScreen>(h.ui(), std::move(root));
}

}  // namespace

TEST_CASE("a tap on a button clicks it; sliding off before lifting does not") {
  UiHarness h(Language::ar);
  auto screen = testing::make_gallery(h.ui());
  WidgetScreen& form = *screen;
  h.show(std::move(screen));
  int clicks = 0;
  widget<Button>(form, "continue").on_click([&] { ++clicks; });
  h.tap("continue");
  CHECK(clicks == 1);

  Rect button = *form.find_element("continue");
  swipe(h, button.center(), {button.center().x, button.bottom() + 200}, 3, 10ms);
  CHECK(clicks == 1);
  CHECK_FALSE(widget<Button>(form, "continue").pressed());

  int disabled_clicks = 0;
  widget<Button>(form, "pay").on_click([&] { ++disabled_clicks; });
  h.tap("pay");
  CHECK(disabled_clicks == 0);
}

TEST_CASE("checkbox, radio group and date steppers respond to taps, mirrored in Arabic") {
  UiHarness h(Language::ar);
  auto screen = testing::make_gallery(h.ui());
  WidgetScreen& form = *screen;
  h.show(std::move(screen));

  auto& terms = widget<Checkbox>(form, "terms");
  CHECK(terms.checked());
  h.tap("terms");
  CHECK_FALSE(terms.checked());

  auto& document = widget<RadioGroup>(form, "document");
  h.tap_at(document.option_bounds(1).center());
  CHECK(document.selected() == 1u);

  auto& birth = widget<DateInput>(form, "birth");
  h.tap("birth:day-");
  CHECK(birth.value() == CivilDate{1990, 3, 14});
  h.tap("birth:month+");
  CHECK(birth.value() == CivilDate{1990, 4, 14});
  h.tap("birth:year-");
  CHECK(birth.value() == CivilDate{1989, 4, 14});
  // In Arabic the day column is the rightmost: it is read first.
  CHECK(form.find_element("birth:day+")->x > form.find_element("birth:year+")->x);

  birth.set_value({2024, 1, 31});
  h.tap("birth:month+");
  CHECK(birth.value() == CivilDate{2024, 2, 29});  // clamped to the leap February
}

TEST_CASE("dragging a list scrolls it by the finger's distance and chooses nothing") {
  UiHarness h(Language::ar);
  ListView* list = nullptr;
  std::vector<std::size_t> chosen;
  h.show(list_screen(h, list, chosen));
  h.settle();
  Point start = list->bounds().center();
  swipe(h, start, {start.x, start.y - 200}, 10, 30ms, 200ms);  // slow, and the finger rests
  CHECK(list->scroll_offset() == 200);
  CHECK_FALSE(list->flinging());
  CHECK(chosen.empty());

  // A tap then chooses the item under the finger, scrolled into account.
  Rect third = list->item_bounds(3);
  h.tap_at(third.center());
  CHECK(chosen == std::vector<std::size_t>{3});
}

TEST_CASE("a fling keeps the list moving after the finger lifts, slows down and stops in bounds") {
  UiHarness h(Language::en);
  ListView* list = nullptr;
  std::vector<std::size_t> chosen;
  h.show(list_screen(h, list, chosen));
  h.settle();
  Point start = list->bounds().center();
  swipe(h, start, {start.x, start.y - 150}, 3, 16ms);  // quick: about 3000 px/s
  int at_release = list->scroll_offset();
  CHECK(at_release >= 150);
  REQUIRE(h.run_until([&] { return !list->flinging(); }, 5s));
  CHECK(list->scroll_offset() > at_release + 100);  // it kept going
  CHECK(list->scroll_offset() <= list->max_offset());
  CHECK(chosen.empty());

  // A touch on a flinging list stops it and chooses nothing.
  list->on_select([&](std::size_t i) { chosen.push_back(i); });
  swipe(h, {start.x, start.y + 100}, {start.x, start.y - 50}, 3, 16ms);
  REQUIRE(list->flinging());
  h.tap_at(start);
  CHECK_FALSE(list->flinging());
  CHECK(chosen.empty());
}

TEST_CASE("typing on the Arabic, English and numeric keyboards fills the focused field") {
  UiHarness h(Language::ar);
  auto screen = testing::make_keyboard_screen(h.ui(), OnScreenKeyboard::Layout::arabic);
  WidgetScreen& form = *screen;
  h.show(std::move(screen));
  auto& field = widget<TextField>(form, "field");
  for (const char* key : {"key:ك", "key:ت", "key:ا", "key:ب", "key:space"}) h.tap(key);
  CHECK(field.text() == "كتاب ");
  h.tap("key:english");
  REQUIRE(form.keyboard() != nullptr);
  CHECK(form.keyboard()->layout() == OnScreenKeyboard::Layout::english);
  for (const char* key : {"key:shift", "key:a", "key:b"}) h.tap(key);
  CHECK(field.text() == "كتاب Ab");  // one capital after shift, as on a phone
  h.tap("key:numbers");
  for (const char* key : {"key:4", "key:2"}) h.tap(key);
  h.tap("key:backspace");
  CHECK(field.text() == "كتاب Ab4");
  h.tap("key:letters");
  CHECK(form.keyboard()->layout() == OnScreenKeyboard::Layout::english);
  h.tap("key:enter");
  h.settle();
  CHECK(form.keyboard() == nullptr);  // done: the keyboard closes
}

TEST_CASE("touching a number field opens the numeric keyboard; letters are refused") {
  UiHarness h(Language::en);
  auto root = std::make_unique<Column>(h.ui(), 10, 40, Align::stretch, "root");
  auto& phone = root->add<TextField>("Phone", InputKind::phone, "phone");
  auto screen = std::make_unique<WidgetScreen>(h.ui(), std::move(root));
  WidgetScreen& form = *screen;
  h.show(std::move(screen));
  h.tap("phone");
  REQUIRE(form.keyboard() != nullptr);
  CHECK(form.keyboard()->layout() == OnScreenKeyboard::Layout::numeric);
  for (const char* key : {"key:+", "key:9", "key:6", "key:8"}) h.tap(key);
  phone.insert("x");
  phone.insert("٧");  // an Arabic-Indic digit is a digit
  CHECK(phone.text() == "+968٧");
}

TEST_CASE("the caret moves on screen across direction boundaries, one visual step per key") {
  UiHarness h(Language::ar);
  auto root = std::make_unique<Column>(h.ui(), 10, 40, Align::stretch, "root");
  auto& field = root->add<TextField>("", InputKind::text, "field");
  h.show(std::make_unique<WidgetScreen>(h.ui(), std::move(root)));
  const std::string text = "مرحبا Ahmed 2026 شكرا";
  field.set_text(text);
  h.ui().set_focus(&field);
  field.set_caret(0);  // the logical start: the right edge of a right-to-left line
  int x = field.caret_screen_x();
  int right_edge = x;
  std::set<int> visited{x};
  for (int step = 0; step < 40; ++step) {
    field.on_key({KeyEvent::Kind::left, {}, false});
    int next = field.caret_screen_x();
    if (next == x) break;  // reached the left edge
    CHECK(next < x);       // every press moves left on screen, whatever the run's direction
    x = next;
    visited.insert(x);
  }
  int left_edge = x;
  CHECK(left_edge < right_edge - 300);
  // Every distinct caret position on screen was visited on the way: nothing skipped.
  CHECK(visited.size() >= 18);
  for (int step = 0; step < 40; ++step) {
    field.on_key({KeyEvent::Kind::right, {}, false});
    int next = field.caret_screen_x();
    if (next == x) break;
    CHECK(next > x);
    x = next;
  }
  CHECK(x == right_edge);

  // Shift+Left selects; typing replaces the selection.
  field.set_caret(static_cast<std::uint32_t>(text.find("Ahmed")));
  for (int i = 0; i < 5; ++i) field.on_key({KeyEvent::Kind::right, {}, true});
  auto [first, last] = field.selection();
  CHECK(text.substr(first, last - first) == "Ahmed");
  field.on_key({KeyEvent::Kind::text, "Sara", false});
  CHECK(field.text() == "مرحبا Sara 2026 شكرا");
}

TEST_CASE("backspace and delete remove a whole grapheme: a letter goes with its mark") {
  UiHarness h(Language::ar);
  auto root = std::make_unique<Column>(h.ui(), 10, 40, Align::stretch, "root");
  auto& field = root->add<TextField>("", InputKind::text, "field");
  h.show(std::make_unique<WidgetScreen>(h.ui(), std::move(root)));
  field.set_text("كتابٌ");  // ends with beh + dammatan (U+064C)
  field.on_key({KeyEvent::Kind::backspace, {}, false});
  CHECK(field.text() == "كتا");
  field.set_text("cafe\xCC\x81!");  // e + combining acute
  field.set_caret(3);
  field.on_key({KeyEvent::Kind::delete_forward, {}, false});
  CHECK(field.text() == "caf!");
  // The caret never stops between a letter and its mark.
  field.set_text("بَ");
  field.set_caret(2);
  CHECK(field.caret() == 2);
  field.on_key({KeyEvent::Kind::home, {}, false});
  field.on_key({KeyEvent::Kind::left, {}, false});  // one visual step in a right-to-left word
  CHECK((field.caret() == 0 || field.caret() == 4));
}

TEST_CASE("a USB keyboard types into the focused field; key combinations are ignored") {
  UiHarness h(Language::ar);
  auto root = std::make_unique<Column>(h.ui(), 10, 40, Align::stretch, "root");
  auto& field = root->add<TextField>("", InputKind::text, "field");
  h.show(std::make_unique<WidgetScreen>(h.ui(), std::move(root)));
  h.tap("field");
  SDL_Event text{};
  text.type = SDL_TEXTINPUT;
  std::snprintf(text.text.text, sizeof text.text.text, "%s", "سلام");
  SDL_PushEvent(&text);
  SDL_Event combo{};
  combo.type = SDL_KEYDOWN;
  combo.key.keysym.sym = SDLK_BACKSPACE;
  combo.key.keysym.mod = KMOD_LCTRL;  // Ctrl+Backspace: not delivered
  SDL_PushEvent(&combo);
  SDL_Event backspace{};
  backspace.type = SDL_KEYDOWN;
  backspace.key.keysym.sym = SDLK_BACKSPACE;
  SDL_PushEvent(&backspace);
  h.display().loop_backend().wake();
  h.settle();
  CHECK(field.text() == "سلا");
}

TEST_CASE(
    "Ctrl+Alt+F2, Alt+F4, Alt+Tab, Ctrl+Alt+Backspace and Super neither leave nor change the "
    "kiosk") {
  UiHarness h(Language::ar);
  auto root = std::make_unique<Column>(h.ui(), 10, 40, Align::stretch, "root");
  auto& field = root->add<TextField>("", InputKind::text, "field");
  h.show(std::make_unique<WidgetScreen>(h.ui(), std::move(root)));
  h.tap("field");
  field.set_text("سلام");
  h.settle();
  auto before = h.screenshot();
  int keys_seen = 0, close_requests = 0;
  h.app().on_activity([&] { ++keys_seen; });
  h.display().on_close_requested([&] { ++close_requests; });

  // Each combination as a keyboard sends it: modifiers down, the key down and up, modifiers up.
  // Under X11 a window manager would also turn Alt+F4 into a close request (SDL_QUIT).
  struct Combo {
    const char* name;
    std::vector<SDL_Keycode> keys;  // modifiers first
    int mod;
  };
  const std::vector<Combo> combos = {
      {"Ctrl+Alt+F2", {SDLK_LCTRL, SDLK_LALT, SDLK_F2}, KMOD_LCTRL | KMOD_LALT},
      {"Alt+F4", {SDLK_LALT, SDLK_F4}, KMOD_LALT},
      {"Alt+Tab", {SDLK_LALT, SDLK_TAB}, KMOD_LALT},
      {"Ctrl+Alt+Backspace", {SDLK_LCTRL, SDLK_LALT, SDLK_BACKSPACE}, KMOD_LCTRL | KMOD_LALT},
      {"Super", {SDLK_LGUI}, KMOD_LGUI},
      {"Super+D", {SDLK_LGUI, SDLK_d}, KMOD_LGUI},
      {"Ctrl+Alt+Delete", {SDLK_LCTRL, SDLK_LALT, SDLK_DELETE}, KMOD_LCTRL | KMOD_LALT},
  };
  for (const auto& combo : combos) {
    CAPTURE(combo.name);
    for (bool down : {true, false}) {
      for (SDL_Keycode key : combo.keys) {
        SDL_Event event{};
        event.type = down ? SDL_KEYDOWN : SDL_KEYUP;
        event.key.keysym.sym = key;
        event.key.keysym.mod = static_cast<Uint16>(combo.mod);
        SDL_PushEvent(&event);
      }
    }
    h.display().loop_backend().wake();
    h.settle();
  }
  SDL_Event quit{};
  quit.type = SDL_QUIT;
  SDL_PushEvent(&quit);
  h.display().loop_backend().wake();
  h.settle();

  // Nothing typed, nothing moved, nothing drawn differently, and the loop still runs: the
  // display only reports a close request, which a kiosk (not in window mode) ignores in main.
  CHECK(field.text() == "سلام");
  CHECK(keys_seen == 0);
  CHECK(close_requests == 1);
  CHECK(testing::count_differences(before, h.screenshot()) == 0);
  bool still_running = false;
  h.loop().post([&] { still_running = true; });
  CHECK(h.run_until([&] { return still_running; }));
}

TEST_CASE("a modal dialog takes every touch until a button closes it") {
  UiHarness h(Language::en);
  auto screen = testing::make_gallery(h.ui());
  WidgetScreen& form = *screen;
  h.show(std::move(screen));
  int behind = 0, ok = 0;
  widget<Button>(form, "continue").on_click([&] { ++behind; });
  form.show_dialog(std::make_unique<Dialog>(h.ui(), "Printer", "Out of paper",
                                            std::vector<DialogButton>{{"OK",
                                                                       [&] {
                                                                         ++ok;
                                                                         form.close_dialog();
                                                                       },
                                                                       "ok"}}));
  Rect continue_button = form.root().find("continue")->bounds();  // under the dialog
  h.tap_at(continue_button.center());
  CHECK(behind == 0);
  h.tap("ok");
  CHECK(ok == 1);
  CHECK(form.dialog() == nullptr);
  h.tap("continue");
  CHECK(behind == 1);
}

TEST_CASE("the countdown banner counts down each second and expires; more time is a tap") {
  UiHarness h(Language::ar);
  auto root = std::make_unique<Column>(h.ui(), 10, 40, Align::stretch, "root");
  auto& banner = root->add<CountdownBanner>("countdown");
  auto screen = std::make_unique<WidgetScreen>(h.ui(), std::move(root));
  h.show(std::move(screen));
  bool expired = false;
  int more = 0;
  banner.on_expired([&] { expired = true; });
  banner.on_more_time([&] { ++more; });
  banner.start(2);
  h.settle();
  h.tap("more-time");
  CHECK(more == 1);
  REQUIRE(h.run_until([&] { return expired; }, 5s));
  CHECK(banner.remaining() == 0);
  CHECK_FALSE(banner.running());
}
