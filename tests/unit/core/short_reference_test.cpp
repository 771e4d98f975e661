#include "kiosk/core/short_reference.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace shubbak;

namespace {

std::string compact(std::string shown) {
  return shown.substr(0, 4) + shown.substr(5);
}

// Every body of seven characters with the given first character and a fixed tail, completed.
std::string complete(std::string body) {
  return body + *short_reference_check(body);
}

}  // namespace

TEST_CASE("a reference is eight characters of the alphabet, shown in two groups, and checks") {
  std::string shown = short_reference("0190f2a4-7b1c-7c3e-9a51-4f1f5d6c2b10");
  REQUIRE(shown.size() == 9);
  CHECK(shown[4] == '-');
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (i == 4) continue;
    CHECK(k_short_reference_alphabet.find(shown[i]) != std::string_view::npos);
  }
  CHECK(short_reference_valid(compact(shown)));
  // The same id gives the same reference; another id, here, another.
  CHECK(short_reference("0190f2a4-7b1c-7c3e-9a51-4f1f5d6c2b10") == shown);
  CHECK(short_reference("0190f2a4-7b1c-7c3e-9a51-4f1f5d6c2b11") != shown);
}

TEST_CASE("the alphabet has 31 characters and none of the look-alikes 0, O, 1, I, L") {
  CHECK(k_short_reference_alphabet.size() == 31);
  CHECK(
      std::set<char>(k_short_reference_alphabet.begin(), k_short_reference_alphabet.end()).size() ==
      31);
  for (char c : std::string_view("0O1IL"))
    CHECK(k_short_reference_alphabet.find(c) == std::string_view::npos);
}

TEST_CASE("what a person types is read whatever the case and separators") {
  std::string shown = short_reference("0190f2a4-7b1c-7c3e-9a51-4f1f5d6c2b10");
  std::string lower;
  for (char c : shown) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  CHECK(parse_short_reference(shown) == compact(shown));
  CHECK(parse_short_reference(lower) == compact(shown));
  CHECK(parse_short_reference(" " + compact(shown).substr(0, 2) + " " + compact(shown).substr(2)) ==
        compact(shown));
  CHECK_FALSE(parse_short_reference(compact(shown) + "2"));
  CHECK_FALSE(parse_short_reference(compact(shown).substr(0, 7)));
  CHECK_FALSE(parse_short_reference("0190f2a4"));
  CHECK_FALSE(parse_short_reference(""));
}

// The check is a weighted sum modulo 31: whether an error is caught depends only on its position
// and the two characters involved, never on the other characters. So trying every position and
// every pair of characters, on several words, is every case there is.
TEST_CASE("every single wrong character is caught (exhaustive)") {
  const std::string bodies[] = {"2222222", "ZZZZZZZ", "K7QM4TX", "23456789"};
  int tried = 0;
  for (std::string body : bodies) {
    body.resize(7);
    std::string word = complete(body);
    REQUIRE(short_reference_valid(word));
    for (std::size_t p = 0; p < word.size(); ++p) {
      for (char replacement : k_short_reference_alphabet) {
        if (replacement == word[p]) continue;
        std::string wrong = word;
        wrong[p] = replacement;
        ++tried;
        if (short_reference_valid(wrong)) FAIL("not caught: " << word << " -> " << wrong);
      }
    }
  }
  CHECK(tried == 4 * 8 * 30);
  // And for every pair (a, b) at every position, whatever the word around it.
  int pairs = 0;
  for (std::size_t p = 0; p < 8; ++p) {
    for (char a : k_short_reference_alphabet) {
      std::string body = "2222222";
      if (p < 7) body[p] = a;
      std::string word = complete(body);
      if (p == 7 && word[7] != a) {
        // Make the check character `a`: pick the first body whose check is `a`.
        for (char x : k_short_reference_alphabet) {
          body[0] = x;
          word = complete(body);
          if (word[7] == a) break;
        }
      }
      REQUIRE(word[p] == a);
      for (char b : k_short_reference_alphabet) {
        if (b == a) continue;
        std::string wrong = word;
        wrong[p] = b;
        ++pairs;
        if (short_reference_valid(wrong)) FAIL("not caught: " << word << " -> " << wrong);
      }
    }
  }
  CHECK(pairs == 8 * 31 * 30);
}

TEST_CASE("every swap of two neighbouring different characters is caught (exhaustive)") {
  int swaps = 0;
  for (std::size_t p = 0; p + 1 < 8; ++p) {
    for (char a : k_short_reference_alphabet) {
      for (char b : k_short_reference_alphabet) {
        if (a == b) continue;
        // A valid word with a at p and b at p + 1: choose the other body characters to make it.
        std::string word;
        bool made = false;
        for (char x : k_short_reference_alphabet) {
          std::string body = "2222222";
          std::size_t free = p == 0 ? 2 : 0;
          body[free] = x;
          if (p < 7) body[p] = a;
          if (p + 1 < 7) body[p + 1] = b;
          word = complete(body);
          if (word[p] == a && word[p + 1] == b) {
            made = true;
            break;
          }
        }
        REQUIRE(made);
        std::string swapped = word;
        std::swap(swapped[p], swapped[p + 1]);
        ++swaps;
        if (short_reference_valid(swapped)) FAIL("not caught: " << word << " -> " << swapped);
      }
    }
  }
  CHECK(swaps == 7 * 31 * 30);
}

TEST_CASE("over many words, no single error or neighbour swap passes") {
  // Every id from a run of 2,000 gives a valid reference, and every one of its 240 single
  // substitutions and 7 * 1 neighbour swaps (where the two differ) is refused.
  for (int n = 0; n < 2000; ++n) {
    std::string word = compact(short_reference("id-" + std::to_string(n)));
    REQUIRE(short_reference_valid(word));
    for (std::size_t p = 0; p < 8; ++p) {
      for (char r : k_short_reference_alphabet) {
        if (r == word[p]) continue;
        std::string wrong = word;
        wrong[p] = r;
        REQUIRE_FALSE(short_reference_valid(wrong));
      }
      if (p + 1 < 8 && word[p] != word[p + 1]) {
        std::string swapped = word;
        std::swap(swapped[p], swapped[p + 1]);
        REQUIRE_FALSE(short_reference_valid(swapped));
      }
    }
  }
}
