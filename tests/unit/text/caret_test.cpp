#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include "kiosk/core/config.hpp"
#include "screens/text/caret.hpp"
#include "screens/text/text_engine.hpp"

using namespace shubbak;

namespace {
std::shared_ptr<const TextLayout> lay_out(TextEngine& engine, std::string_view text) {
  auto layout = engine.layout(text, {32, FontWeight::regular}, 0, TextDirection::automatic);
  REQUIRE(layout);
  return *layout;
}
}  // namespace

TEST_CASE("caret stops are grapheme boundaries: never between a letter and its mark") {
  auto engine = std::move(*TextEngine::open(Config::Text{}));
  const std::string text = "بَيت";  // beh, fatha, yeh, teh
  auto stops = caret_stops(*lay_out(*engine, text), text);
  std::vector<std::uint32_t> offsets;
  for (const auto& s : stops) offsets.push_back(s.offset);
  CHECK(offsets == std::vector<std::uint32_t>{0, 4, 6, 8});  // not 2: inside beh+fatha
  CHECK(next_grapheme(text, 0) == 4);
  CHECK(previous_grapheme(text, 4) == 0);
  CHECK(previous_grapheme(text, 8) == 6);
}

TEST_CASE("in a right-to-left line the caret starts at the right and the end is at the left") {
  auto engine = std::move(*TextEngine::open(Config::Text{}));
  const std::string text = "سلام";
  auto layout = lay_out(*engine, text);
  auto stops = caret_stops(*layout, text);
  CHECK(caret_at(stops, 0).x == layout->lines[0].width);
  CHECK(caret_at(stops, static_cast<std::uint32_t>(text.size())).x == 0);
  // Hit testing finds the nearest boundary.
  CHECK(hit_test(*layout, stops, layout->lines[0].width + 50, 5) == 0);
  CHECK(hit_test(*layout, stops, -50, 5) == text.size());
}

TEST_CASE("inside Latin in an Arabic line, visual steps follow the screen, not the logic") {
  auto engine = std::move(*TextEngine::open(Config::Text{}));
  const std::string text = "الاسم Ahmed";
  auto layout = lay_out(*engine, text);
  auto stops = caret_stops(*layout, text);
  std::uint32_t ahmed = static_cast<std::uint32_t>(text.find("Ahmed"));
  // "Ahmed" sits left of the Arabic word, and reads left to right: h is right of A.
  CHECK(caret_at(stops, ahmed + 1).x > caret_at(stops, ahmed).x);
  CHECK(caret_at(stops, ahmed).x < caret_at(stops, 0).x);
  // One step right from between A and h lands between h and m.
  CHECK(move_visually(stops, ahmed + 1, +1) == ahmed + 2);
  CHECK(move_visually(stops, ahmed + 2, -1) == ahmed + 1);
  // Every position has a distinct place except where the runs meet.
  std::set<int> xs;
  for (const auto& s : stops) xs.insert(s.x);
  CHECK(xs.size() >= stops.size() - 2);
}

TEST_CASE("a lam-alef ligature holds two caret positions, the second inside the ligature") {
  auto engine = std::move(*TextEngine::open(Config::Text{}));
  const std::string text = "سلام";  // lam + alef form one glyph
  auto layout = lay_out(*engine, text);
  auto stops = caret_stops(*layout, text);
  REQUIRE(stops.size() == 5);
  // Positions 0..4 move strictly leftwards on screen.
  for (std::size_t i = 1; i < stops.size(); ++i) CHECK(stops[i].x < stops[i - 1].x);
}
