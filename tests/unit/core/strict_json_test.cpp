#include "kiosk/core/strict_json.hpp"

#include <doctest/doctest.h>

#include <string>

namespace shubbak {
namespace {

// The problem's path and reason, or a failure when the document was accepted.
JsonProblem refused(std::string_view bytes, const JsonLimits& limits = {}) {
  auto parsed = read_strict_json(bytes, limits);
  REQUIRE_MESSAGE(!parsed, "accepted: ", std::string(bytes.substr(0, 200)));
  return parsed.error();
}

TEST_CASE("a plain document is read whole") {
  auto parsed = parse_strict_json(R"({"a": [1, -2, true, null, "x"], "b": {"c": "ü"}})", {});
  REQUIRE(parsed);
  CHECK((*parsed)["a"].size() == 5);
  CHECK((*parsed)["a"][1].get<std::int64_t>() == -2);
  CHECK((*parsed)["b"]["c"] == "ü");
}

TEST_CASE("duplicate keys are refused at every depth, with their path") {
  CHECK(refused(R"({"id": "a", "id": "b"})").path == "$.id");
  CHECK(refused(R"({"id": "a", "id": "b"})").reason == "duplicate key \"id\"");
  CHECK(refused(R"({"steps": [{}, {}, {}, {"id": 1, "kind": 2, "id": 3}]})").path ==
        "$.steps[3].id");
  CHECK(refused(R"({"a": {"b": {"c": [0, {"d": 1, "d": 1}]}}})").path == "$.a.b.c[1].d");
  CHECK(refused(R"({"x": {"services/a.json": 1, "services/a.json": 2}})").path ==
        R"($.x["services/a.json"])");
  // The same key in two different objects is not a duplicate.
  CHECK(parse_strict_json(R"({"a": {"k": 1}, "b": {"k": 1}, "k": 1})", {}));
}

TEST_CASE("integers keep their exact value or are refused, never rounded") {
  auto big = parse_strict_json(R"({"u": 18446744073709551615, "s": -9223372036854775808})", {});
  REQUIRE(big);
  CHECK((*big)["u"].get<std::uint64_t>() == 18446744073709551615ull);
  CHECK((*big)["s"].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
  auto over = refused(R"({"t": [18446744073709551616]})");
  CHECK(over.path == "$.t[0]");
  CHECK(over.reason.find("out of range") != std::string::npos);
  CHECK(refused(R"({"t": -9223372036854775809})").path == "$.t");
  CHECK(refused(R"({"t": 1.5})").reason.find("not an integer") != std::string::npos);
  CHECK(refused(R"({"t": 1e3})").path == "$.t");
  JsonLimits fractions;
  fractions.allow_fractions = true;
  CHECK(parse_strict_json(R"({"t": 1.5})", fractions));
  CHECK(refused(R"({"t": 1e999})", fractions).reason.find("number overflow") != std::string::npos);
}

TEST_CASE("json_integer checks the caller's type and range") {
  auto doc = *parse_strict_json(R"({"t": 4294967306, "n": -1, "ok": 30, "s": "30"})", {});
  auto t = json_integer<int>(doc["t"], "$.steps[0].timeout_seconds");
  REQUIRE(!t);
  CHECK(t.error().message ==
        "$.steps[0].timeout_seconds: expected an integer from -2147483648 to 2147483647, got "
        "4294967306");
  CHECK(!json_integer<std::uint32_t>(doc["n"], "$.n"));
  CHECK(*json_integer<std::int64_t>(doc["n"], "$.n") == -1);
  CHECK(*json_integer<int>(doc["ok"], "$.ok", 5, 900) == 30);
  CHECK(!json_integer<int>(doc["ok"], "$.ok", 5, 20));
  auto s = json_integer<int>(doc["s"], "$.s");
  REQUIRE(!s);
  CHECK(s.error().message.find("got string") != std::string::npos);
}

TEST_CASE("invalid UTF-8, lone surrogates and U+0000 are refused where they are") {
  CHECK(refused("{\"a\": [\"ok\", \"\xff\"]}").path == "$.a[1]");
  CHECK(refused("{\"a\": \"\xc0\xaf\"}").path == "$.a");      // overlong '/'
  CHECK(refused("{\"a\": \"\xed\xa0\x80\"}").path == "$.a");  // encoded surrogate
  CHECK(refused(R"({"a": "\ud800"})").path == "$.a");         // lone escaped surrogate
  CHECK(refused(R"({"a": "x\u0000y"})").reason == "a string holds U+0000");
  CHECK(refused(R"({"a\u0000": 1})").reason == "a key holds U+0000");
  // The message carries no raw bytes of the input.
  auto bad = refused("{\"a\": \"\xff\xfe\"}");
  for (char c : bad.reason) CHECK(static_cast<unsigned char>(c) < 0x80);
}

TEST_CASE("limits: size, depth, strings, keys, counts") {
  JsonLimits limits;
  limits.max_bytes = 100;
  CHECK(refused(std::string(101, ' '), limits).reason ==
        "the document is 101 bytes; at most 100 are allowed");

  limits = {};
  limits.max_depth = 3;
  CHECK(parse_strict_json(R"({"a": {"b": [1]}})", limits));
  auto deep = refused(R"({"a": {"b": [[1]]}})", limits);
  CHECK(deep.path == "$.a.b[0]");
  CHECK(deep.reason == "nesting deeper than 3 levels");
  // A default parse of a very deep document stops at the limit, without recursion.
  CHECK(refused(std::string(100000, '[')).reason == "nesting deeper than 64 levels");

  limits = {};
  limits.max_string_bytes = 4;
  CHECK(refused(R"({"a": ["abcd", "abcde"]})", limits).path == "$.a[1]");
  limits = {};
  limits.max_key_bytes = 3;
  CHECK(refused(R"({"abc": {"abcd": 1}})", limits).reason ==
        "a key of 4 bytes; at most 3 are allowed");

  limits = {};
  limits.max_array_items = 2;
  auto items = refused(R"({"a": [1, [2], {}]})", limits);
  CHECK(items.path == "$.a[2]");
  CHECK(items.reason == "more than 2 items in one array");
  limits = {};
  limits.max_object_members = 2;
  CHECK(refused(R"({"a": 1, "b": 2, "c": 3})", limits).path == "$.c");
  limits = {};
  limits.max_values = 4;
  CHECK(refused(R"([1, 2, 3, 4])", limits).reason == "more than 4 values in the document");
}

TEST_CASE("syntax errors say where") {
  auto trailing = refused(R"({"a": 1} x)");
  CHECK(trailing.path == "$");
  CHECK(trailing.reason.starts_with("not JSON (byte"));
  CHECK(refused(R"({"a": [1, tru]})").path == "$.a[1]");
  CHECK(refused("").reason.starts_with("not JSON"));
  CHECK(refused(R"({"a": 1, // comment
  })")
            .reason.starts_with("not JSON"));
  auto error = parse_strict_json(R"({"a": [1,]})", {});
  REQUIRE(!error);
  CHECK(error.error().code == Errc::parse);
  CHECK(error.error().message.starts_with("$.a[1]: not JSON"));
}

TEST_CASE("paths quote keys that are not identifiers") {
  CHECK(json_path_key("$", "steps") == "$.steps");
  CHECK(json_path_key("$", "a.b") == R"($["a.b"])");
  CHECK(json_path_key("$", "3") == R"($["3"])");
  CHECK(json_path_key("$", "q\"\xff") == R"($["q\"\xff"])");
  CHECK(json_path_key("$", std::string(100, 'a')).size() < 80);
  CHECK(json_path_index("$.a", 7) == "$.a[7]");
}

}  // namespace
}  // namespace shubbak
