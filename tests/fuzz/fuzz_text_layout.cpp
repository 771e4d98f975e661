// Fuzz target: bidi, itemisation, shaping, line breaking and caret stops on arbitrary bytes in
// every script the kiosk offers.
// Invariants: no crash or sanitizer report; every glyph names a byte inside the text; wrapped
// lines fit their width; caret stops are increasing boundaries inside the text.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/core/config.hpp"
#include "screens/text/caret.hpp"
#include "screens/text/text_engine.hpp"

namespace {
shubbak::TextEngine& engine() {
  static auto instance = std::move(*shubbak::TextEngine::open(shubbak::Config::Text{}));
  return *instance;
}

void require(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first byte picks width, direction, weight and Naskh or Nastaliq; the rest is the text
  // (the corpus holds each offered language's script: Urdu, Devanagari, Bengali, Malayalam,
  // Tamil, Farsi, Tagalog).
  int width = (data[0] & 0x3) == 0 ? 0 : 200 + 150 * (data[0] & 0x3);
  auto direction = static_cast<shubbak::TextDirection>(((data[0] >> 2) & 0x3) % 3);
  auto weight = (data[0] & 0x10) ? shubbak::FontWeight::bold : shubbak::FontWeight::regular;
  auto arabic = (data[0] & 0x20) ? shubbak::ArabicStyle::nastaliq : shubbak::ArabicStyle::naskh;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto layout = engine().layout(text, {24, weight, arabic}, width, direction);
  require(layout.has_value());
  const auto& l = **layout;
  for (const auto& g : l.glyphs) require(g.cluster < text.size());
  for (const auto& line : l.lines) {
    require(line.start <= line.end && line.end <= text.size());
    // A line wider than its width only when one grapheme alone is wider (not at these widths).
    if (width > 0) require(line.width <= width + 1);
  }
  auto stops = shubbak::caret_stops(l, text);
  require(!stops.empty() && stops.front().offset == 0 && stops.back().offset == text.size());
  for (std::size_t i = 1; i < stops.size(); ++i) require(stops[i].offset > stops[i - 1].offset);
  std::uint32_t hit = shubbak::hit_test(l, stops, 37, 5);
  require(hit <= text.size());
  return 0;
}
