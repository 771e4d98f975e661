// Line breaking and caret movement in each offered language's script: a caret never lands
// between a consonant and its vowel sign, virama or mark (Devanagari, Bengali, Malayalam, Tamil,
// Arabic harakat); lines break between words, never inside a cluster, and fit their width;
// stepping the caret across a line in its reading direction reaches its end (visiting every stop
// once where the line has one direction).
#include <set>

#include <doctest/doctest.h>

#include "kiosk/core/config.hpp"
#include "screens/text/caret.hpp"
#include "screens/text/text_engine.hpp"

using namespace shubbak;

namespace {

struct Sample {
  const char* name;
  std::string text;
  ArabicStyle arabic;
  bool right_to_left;
};

const Sample k_samples[] = {
    {"ur", "یہ ایک نمونہ جملہ ہے جو نستعلیق میں لکھا گیا ہے، تاکہ ہر حرف صاف نظر آئے۔",
     ArabicStyle::nastaliq, true},
    {"hi", "कृपया इस स्थान पर अपने कार्य की प्रक्रिया पूरी करें।", ArabicStyle::naskh, false},
    {"bn", "অনুগ্রহ করে প্রার্থীর স্বাক্ষর, জন্মতারিখ ও ঠিকানা যাচাই করুন।", ArabicStyle::naskh, false},
    {"ml", "സർക്കാർ സേവനങ്ങൾ ഇപ്പോൾ ഈ കിയോസ്കിൽ ലഭ്യമാണ്; ക്ഷമയോടെ കാത്തിരിക്കുക.", ArabicStyle::naskh,
     false},
    {"ta", "கொடுக்கப்பட்ட கோரிக்கை கையொப்பத்துடன் சரிபார்க்கப்பட்டது, பௌர்ணமி அன்று.", ArabicStyle::naskh,
     false},
    {"fa", "می\u200Cتوانید کد QR را اسکن کنید یا به help@shubbak.example ایمیل بزنید؛ شمارهٔ ۱۲۳.",
     ArabicStyle::naskh, true},
    {"tl", "Magandang araw! Pakisulat ang inyong pangalan at tirahan, hal. Santo Niño.",
     ArabicStyle::naskh, false},
};

char32_t code_point_at(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return lead;
  if (lead < 0xE0) return static_cast<char32_t>(((lead & 0x1F) << 6) | (byte(1) & 0x3F));
  if (lead < 0xF0)
    return static_cast<char32_t>(((lead & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) |
                                 (byte(2) & 0x3F));
  return static_cast<char32_t>(((lead & 0x07) << 18) | ((byte(1) & 0x3F) << 12) |
                               ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F));
}

// Vowel signs, viramas, nuktas and other marks that belong to the letter before them.
bool is_dependent_mark(char32_t cp) {
  auto in = [cp](char32_t first, char32_t last) { return cp >= first && cp <= last; };
  return in(0x064B, 0x065F) || cp == 0x0670 ||                              // Arabic harakat
         in(0x0900, 0x0903) || in(0x093A, 0x094F) || in(0x0951, 0x0957) ||  // Devanagari
         in(0x0962, 0x0963) || in(0x0981, 0x0983) || cp == 0x09BC || in(0x09BE, 0x09CD) ||
         cp == 0x09D7 || in(0x09E2, 0x09E3) ||                  // Bengali
         cp == 0x0B82 || in(0x0BBE, 0x0BCD) || cp == 0x0BD7 ||  // Tamil
         in(0x0D00, 0x0D03) || in(0x0D3B, 0x0D3C) || in(0x0D3E, 0x0D4D) || cp == 0x0D57 ||
         in(0x0D62, 0x0D63);  // Malayalam
}

std::unique_ptr<TextEngine> open_engine() {
  return std::move(*TextEngine::open(Config::Text{}));
}

// The sample laid out at 32 px in its script's style, wrapped at `width` (0: not at all).
std::shared_ptr<const TextLayout> lay_out(TextEngine& engine, const Sample& sample, int width = 0) {
  auto layout = engine.layout(sample.text, {32, FontWeight::regular, sample.arabic}, width,
                              TextDirection::automatic);
  REQUIRE(layout);
  return *layout;
}

}  // namespace

TEST_CASE("caret stops in every script sit between clusters, never before a dependent mark") {
  auto engine = open_engine();
  for (const auto& sample : k_samples) {
    CAPTURE(std::string(sample.name));
    auto layout = lay_out(*engine, sample);
    CHECK(layout->right_to_left == sample.right_to_left);
    auto stops = caret_stops(*layout, sample.text);
    REQUIRE(stops.size() > 10);
    CHECK(stops.front().offset == 0);
    CHECK(stops.back().offset == sample.text.size());
    for (const auto& stop : stops) {
      if (stop.offset == sample.text.size()) continue;
      CAPTURE(stop.offset);
      CHECK_FALSE(is_dependent_mark(code_point_at(sample.text, stop.offset)));
    }
  }
}

TEST_CASE("a Tamil vowel sign drawn before or around its consonant is one caret step with it") {
  auto engine = open_engine();
  const std::string text = "கொகைகோ";  // ka + o, ka + ai, ka + oo: each sign wraps its consonant
  auto layout = engine->layout(text, {32, FontWeight::regular}, 0, TextDirection::automatic);
  REQUIRE(layout);
  std::vector<std::uint32_t> offsets;
  for (const auto& stop : caret_stops(**layout, text)) offsets.push_back(stop.offset);
  CHECK(offsets == std::vector<std::uint32_t>{0, 6, 12, 18});
}

TEST_CASE("stepping the caret in the reading direction reaches the end, stop by stop") {
  auto engine = open_engine();
  for (const auto& sample : k_samples) {
    CAPTURE(std::string(sample.name));
    auto layout = lay_out(*engine, sample);
    auto stops = caret_stops(*layout, sample.text);
    // Forward in reading order is left on screen in a right-to-left line.
    const int forward = sample.right_to_left ? -1 : +1;
    std::set<std::uint32_t> visited{0};
    std::uint32_t at = 0;
    for (std::size_t step = 0; step < stops.size() + 2 && at != sample.text.size(); ++step) {
      at = move_visually(stops, at, forward);
      visited.insert(at);
    }
    CHECK(at == sample.text.size());
    // Farsi's line holds Latin runs, which the caret crosses in screen order: it reaches the end
    // without visiting every stop on the way. One-direction lines visit them all.
    if (std::string_view(sample.name) != "fa") CHECK(visited.size() == stops.size());
  }
}

TEST_CASE("lines in every script break between words, never inside a cluster, and fit") {
  auto engine = open_engine();
  constexpr int k_width = 420;
  for (const auto& sample : k_samples) {
    CAPTURE(std::string(sample.name));
    auto layout = lay_out(*engine, sample, k_width);
    const auto& lines = layout->lines;
    CHECK(lines.size() >= 2);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      CAPTURE(i);
      CHECK(lines[i].width <= k_width);
      if (i == 0) continue;
      CHECK(lines[i].start == lines[i - 1].end);
      // Each of these sentences has spaces: a line starts after one, at a word's first letter.
      CHECK(sample.text[lines[i].start - 1] == ' ');
      CHECK_FALSE(is_dependent_mark(code_point_at(sample.text, lines[i].start)));
    }
  }
}
