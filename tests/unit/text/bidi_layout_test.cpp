// The text engine orders, shapes and wraps mixed Arabic, Latin and digits as the Unicode
// Bidirectional Algorithm and HarfBuzz say, checked on glyph positions, not on pixels.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include "drivers/display/bitmap_canvas.hpp"
#include "kiosk/core/config.hpp"
#include "screens/text/text_engine.hpp"

using namespace shubbak;

namespace {

std::unique_ptr<TextEngine> open_engine() {
  auto engine = TextEngine::open(Config::Text{});
  REQUIRE_MESSAGE(engine, (engine ? "" : engine.error().message));
  return std::move(*engine);
}

std::shared_ptr<const TextLayout> lay_out(TextEngine& engine, std::string_view text,
                                          TextDirection dir = TextDirection::automatic,
                                          int width = 0) {
  auto layout = engine.layout(text, {32, FontWeight::regular}, width, dir);
  REQUIRE(layout);
  return *layout;
}

// The x of the glyph drawing the character at byte `offset` (the first such glyph).
int x_of(const TextLayout& layout, std::size_t offset) {
  for (const auto& g : layout.glyphs) {
    if (g.cluster == offset) return g.x;
  }
  FAIL("no glyph for byte offset " << offset);
  return -1;
}

const PositionedGlyph& glyph_of(const TextLayout& layout, std::size_t offset) {
  for (const auto& g : layout.glyphs) {
    if (g.cluster == offset) return g;
  }
  FAIL("no glyph for byte offset " << offset);
  static PositionedGlyph none;
  return none;
}

std::size_t at(std::string_view text, std::string_view part) {
  auto pos = text.find(part);
  REQUIRE(pos != std::string_view::npos);
  return pos;
}

}  // namespace

TEST_CASE("digits inside Arabic text keep their order and sit where the Arabic sentence ends") {
  auto engine = open_engine();
  const std::string text = "الحكومة الإلكترونية 2018";
  auto layout = lay_out(*engine, text);
  CHECK(layout->right_to_left);
  std::size_t year = at(text, "2018");
  // 2, 0, 1, 8 from left to right: a naive right-to-left engine would show 8102.
  CHECK(x_of(*layout, year) < x_of(*layout, year + 1));
  CHECK(x_of(*layout, year + 1) < x_of(*layout, year + 2));
  CHECK(x_of(*layout, year + 2) < x_of(*layout, year + 3));
  // The number ends the sentence, so in a right-to-left paragraph it is leftmost.
  CHECK(x_of(*layout, year + 3) < x_of(*layout, at(text, "الإلكترونية")));
  CHECK(x_of(*layout, at(text, "الإلكترونية")) < x_of(*layout, 0));
}

TEST_CASE("a sentence mixing Arabic, digits, Latin and brackets is ordered as by UAX #9") {
  auto engine = open_engine();
  const std::string text = "رقم الطلب 12345 للمواطن Ahmed (ID: AB-77) شكرا";
  auto layout = lay_out(*engine, text);
  REQUIRE(layout->lines.size() == 1);
  CHECK(layout->right_to_left);
  // Read right to left: رقم الطلب, 12345, للمواطن, "Ahmed (ID: AB-77)", شكرا.
  int request = x_of(*layout, 0);
  int number = x_of(*layout, at(text, "12345"));
  int citizen = x_of(*layout, at(text, "للمواطن"));
  int ahmed = x_of(*layout, at(text, "Ahmed"));
  int thanks = x_of(*layout, at(text, "شكرا"));
  CHECK(request > number);
  CHECK(number > citizen);
  CHECK(citizen > ahmed);
  CHECK(ahmed > thanks);
  // Inside the Latin run, left to right, the bracket before "ID" and "77" in order.
  CHECK(x_of(*layout, at(text, "Ahmed")) < x_of(*layout, at(text, "(ID")));
  CHECK(x_of(*layout, at(text, "(ID")) < x_of(*layout, at(text, "ID:")));
  CHECK(x_of(*layout, at(text, "77")) < x_of(*layout, at(text, "77") + 1));
  CHECK(x_of(*layout, at(text, "12345")) < x_of(*layout, at(text, "12345") + 4));
}

TEST_CASE("brackets in right-to-left text are mirrored") {
  auto engine = open_engine();
  const std::string text = "(مرحبا)";
  auto rtl = lay_out(*engine, text, TextDirection::right_to_left);
  // In a left-to-right line the same face draws ')' unmirrored: that is the glyph '(' must take.
  auto ltr = lay_out(*engine, "ب)", TextDirection::left_to_right);
  const PositionedGlyph& closing = glyph_of(*ltr, std::string_view("ب)").find(')'));
  const PositionedGlyph& opening = glyph_of(*rtl, 0);
  CHECK(opening.face == closing.face);
  CHECK(opening.glyph == closing.glyph);
  // And the logical first character is the rightmost one.
  CHECK(x_of(*rtl, 0) > x_of(*rtl, at(text, "مرحبا")));
}

TEST_CASE("Arabic letters join: a letter inside a word is not its isolated form") {
  auto engine = open_engine();
  auto word = lay_out(*engine, "بحث");
  auto alone = lay_out(*engine, "ح");
  const std::string w = "بحث";
  CHECK(glyph_of(*word, at(w, "ح")).glyph != glyph_of(*alone, 0).glyph);
  CHECK(word->glyphs.size() == 3);
}

TEST_CASE("Latin text gets the Latin face and Arabic text the Arabic face") {
  auto engine = open_engine();
  const std::string text = "Kiosk الكشك";
  auto layout = lay_out(*engine, text, TextDirection::left_to_right);
  CHECK(glyph_of(*layout, 0).face != glyph_of(*layout, at(text, "الكشك")).face);
}

TEST_CASE("a seed paragraph wraps at three widths, every line fits, and no character is lost") {
  auto engine = open_engine();
  // The third line of a seed document: a long paragraph with quotes and a full stop.
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) +
                   "/tests/fixtures/seeds/003_f372feb9cc88fb8e.txt");
  REQUIRE(in);
  std::string paragraph;
  for (int line = 0; line < 3; ++line) std::getline(in, paragraph);
  REQUIRE(paragraph.size() > 400);
  auto whole = lay_out(*engine, paragraph);
  std::set<std::uint32_t> all_clusters;
  for (const auto& g : whole->glyphs) all_clusters.insert(g.cluster);

  std::size_t previous_lines = 0;
  for (int width : {1200, 700, 400}) {
    CAPTURE(width);
    auto wrapped = lay_out(*engine, paragraph, TextDirection::automatic, width);
    CHECK(wrapped->lines.size() > 1);
    CHECK(wrapped->lines.size() > previous_lines);
    previous_lines = wrapped->lines.size();
    for (const auto& line : wrapped->lines) CHECK(line.width <= width);
    std::set<std::uint32_t> clusters;
    for (const auto& g : wrapped->glyphs) clusters.insert(g.cluster);
    // Only the spaces where lines break may go.
    for (std::uint32_t c : all_clusters) {
      if (!clusters.contains(c)) CHECK(paragraph[c] == ' ');
    }
    CHECK(wrapped->height == static_cast<int>(wrapped->lines.size()) * wrapped->line_height);
  }
}

TEST_CASE("an unchanged text is laid out once; drawing it twice rasterises each glyph once") {
  auto engine = open_engine();
  auto first = lay_out(*engine, "أهلاً وسهلاً 2026");
  auto counters = engine->counters();
  auto second = lay_out(*engine, "أهلاً وسهلاً 2026");
  CHECK(first.get() == second.get());
  CHECK(engine->counters().layouts == counters.layouts);
  CHECK(engine->counters().shape_calls == counters.shape_calls);
}

TEST_CASE("malformed UTF-8 is drawn as replacement characters, never read past the end") {
  auto engine = open_engine();
  const std::string bad = std::string("ab\xC3") + "\xFF" + "عربي\xE2\x82";
  auto layout = lay_out(*engine, bad);
  CHECK_FALSE(layout->glyphs.empty());
  for (const auto& g : layout->glyphs) CHECK(g.cluster < bad.size());
}

TEST_CASE("a line drawn wider than its box is counted, one that fits is not") {
  auto engine = open_engine();
  auto layout = lay_out(*engine, "Pay by card on the terminal");
  BitmapCanvas canvas({1200, 200});
  engine->draw(canvas, *layout, {0, 0, layout->width, 100}, TextAlign::start, {0, 0, 0, 255});
  CHECK(engine->counters().overflowing_lines == 0);
  engine->draw(canvas, *layout, {0, 0, layout->width - 1, 100}, TextAlign::start, {0, 0, 0, 255});
  CHECK(engine->counters().overflowing_lines == 1);
}

TEST_CASE("a configured font that is empty or not a font stops the engine at open, named") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("shubbak-bad-font-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "empty.ttf").flush();
  std::ofstream(dir / "garbage.ttf") << "this is not a font, just some words long enough";
  for (const char* name : {"empty.ttf", "garbage.ttf"}) {
    CAPTURE(name);
    Config::Text text;
    text.tamil_font = (dir / name).string();  // read only when a citizen picks Tamil
    auto engine = TextEngine::open(text);
    REQUIRE_FALSE(engine);
    CHECK(engine.error().message.find((dir / name).string()) != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}
