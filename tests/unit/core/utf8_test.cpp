#include "kiosk/core/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace shubbak;

TEST_CASE("well-formed UTF-8 passes: ASCII, Arabic, the edges of each length") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("kiosk-7"));
  CHECK(is_valid_utf8("فاطمة ٣ ر.ع."));
  CHECK(is_valid_utf8("\x7F"));
  CHECK(is_valid_utf8("\xC2\x80"));          // U+0080
  CHECK(is_valid_utf8("\xDF\xBF"));          // U+07FF
  CHECK(is_valid_utf8("\xE0\xA0\x80"));      // U+0800
  CHECK(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF
  CHECK(is_valid_utf8("\xEE\x80\x80"));      // U+E000
  CHECK(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  CHECK(is_valid_utf8(std::string("a\0b", 3)));
}

TEST_CASE("ill-formed UTF-8 is found at its first byte") {
  CHECK(first_invalid_utf8("ab\xFF") == 2u);
  CHECK(first_invalid_utf8("\x80") == 0u);              // a lone continuation byte
  CHECK(first_invalid_utf8("\xC0\xAF") == 0u);          // overlong '/'
  CHECK(first_invalid_utf8("\xC1\xBF") == 0u);          // overlong
  CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0u);      // overlong, three bytes
  CHECK(first_invalid_utf8("\xF0\x80\x80\xAF") == 0u);  // overlong, four bytes
  CHECK(first_invalid_utf8("x\xED\xA0\x80") == 1u);     // a surrogate (U+D800)
  CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);  // above U+10FFFF
  CHECK(first_invalid_utf8("\xF5\x80\x80\x80") == 0u);
  CHECK(first_invalid_utf8("ok\xD8") == 2u);        // truncated at the end
  CHECK(first_invalid_utf8("\xE2\x82z") == 0u);     // a continuation that is not one
  CHECK(first_invalid_utf8("\xD8\xA7\xC3") == 2u);  // Arabic alef, then a truncated é
}
