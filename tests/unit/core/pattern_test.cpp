#include "kiosk/core/pattern.hpp"

#include <doctest/doctest.h>

#include <string>

namespace shubbak {
namespace {

Pattern compiled(std::string_view source) {
  auto pattern = Pattern::compile(source);
  REQUIRE_MESSAGE(pattern, std::string(source));
  return *pattern;
}

TEST_CASE("full_match needs the whole text, search finds it anywhere") {
  auto digits = compiled("[0-9]{8}");
  CHECK(digits.full_match("12345678"));
  CHECK_FALSE(digits.full_match("123456789"));
  CHECK_FALSE(digits.full_match("x12345678"));
  CHECK(digits.search("id 12345678 ok"));
  CHECK_FALSE(compiled("^[0-9]{8}$").search("id 12345678"));
  CHECK(compiled("9[0-9]{7}|7[0-9]{7}").full_match("71234567"));
}

TEST_CASE("UTF-8 text and Unicode classes") {
  CHECK(compiled("\\p{Arabic}+").full_match("سالم"));
  CHECK_FALSE(compiled("\\p{Arabic}+").full_match("Salem"));
  CHECK(compiled("..").full_match("بَ"));  // two code points, four bytes
  // Invalid UTF-8 in the text never matches a character and never crashes.
  CHECK_FALSE(compiled(".").full_match("\xff"));
}

TEST_CASE("bad patterns are refused with the reason") {
  auto open = Pattern::compile("(a");
  REQUIRE(!open);
  CHECK(open.error().code == Errc::invalid_argument);
  CHECK(open.error().message.starts_with("the pattern \"(a\" is not a valid regular expression ("));
  // RE2 has no backreferences or lookaround: they are refused, not approximated.
  CHECK(!Pattern::compile("(a)\\1"));
  CHECK(!Pattern::compile("a(?=b)"));
  CHECK(!Pattern::compile("\xff"));
  auto long_pattern = Pattern::compile(std::string(257, 'a'));
  REQUIRE(!long_pattern);
  CHECK(long_pattern.error().message == "the pattern is 257 bytes long; at most 256 are allowed");
  auto complex = Pattern::compile("(\\pL{50}){20}");
  REQUIRE(!complex);
  CHECK(complex.error().message.find("too complex") != std::string::npos);
}

TEST_CASE("catastrophic backtracking patterns run in linear time") {
  // With a backtracking engine each of these takes exponential time on this input.
  std::string text(100'000, 'a');
  text += '!';
  for (const char* source : {"(a+)+$", "(a|aa)+$", "(a*)*b", "(.*a){12}", "^(a|a?)+$"}) {
    auto pattern = compiled(source);
    CHECK_FALSE(pattern.full_match(text));
    CHECK(pattern.program_size() > 0);
  }
  CHECK(compiled("(a+)+").full_match(std::string(100'000, 'a')));
}

}  // namespace
}  // namespace shubbak
