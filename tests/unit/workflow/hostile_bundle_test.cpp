// Hostile bundles, written to break the reader rather than by mistake: each is refused whole,
// quickly, without a crash, with the specific error and its JSON path.
#include <fstream>
#include <functional>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "kiosk/workflow/bundle.hpp"
#include "kiosk/workflow/bundle_limits.hpp"

using namespace shubbak::workflow;
using json = nlohmann::json;

namespace {

std::string demo_text(const std::string& name) {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/" + name + ".json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json demo(const std::string& name = "muscat.municipality.fees") {
  return json::parse(demo_text(name));
}

std::vector<BundleError> errors_of(const std::string& text) {
  auto loaded = load_bundle(text);
  REQUIRE_MESSAGE(std::holds_alternative<std::vector<BundleError>>(loaded),
                  "the hostile bundle was accepted");
  return std::get<std::vector<BundleError>>(loaded);
}

// The errors name `path` with a message containing `message`.
void refused_at(const std::string& text, const std::string& path, const std::string& message) {
  auto errors = errors_of(text);
  INFO(format_errors(errors).substr(0, 2000));
  bool found = false;
  for (const auto& e : errors)
    found = found || (e.path == path && e.message.find(message) != std::string::npos);
  CHECK_MESSAGE(found, "expected ", path, ": ", message);
}

// `text` with `insertion` placed right after the first occurrence of `after`.
std::string inserted(std::string text, const std::string& after, const std::string& insertion) {
  auto at = text.find(after);
  REQUIRE_MESSAGE(at != std::string::npos, after);
  return text.insert(at + after.size(), insertion);
}

}  // namespace

TEST_CASE("very long names are refused by their length, before anything looks at them") {
  json b = demo();
  b["id"] = std::string(200'000, 'a');
  refused_at(b.dump(), "$.id", "a string of 200000 bytes; at most 8192 are allowed");
  const std::string huge(8000, 'a');
  b = demo();
  b["id"] = huge;
  refused_at(b.dump(), "$.id", "a service id is 1 to 64 bytes long, not 8000");
  b = demo();
  b["ministry"] = huge;
  refused_at(b.dump(), "$.ministry", "a ministry name is 1 to 64 bytes long");
  b = demo();
  b["steps"][0]["id"] = std::string(7000, '_');
  refused_at(b.dump(), "$.steps[0].id", "a step id ([a-z0-9_]+) is 1 to 64 bytes long");
  b = demo();
  b["fields"][0]["name"] = std::string(8000, 'x');
  refused_at(b.dump(), "$.fields[0].name", "is 1 to 64 bytes long");
  b = demo();
  b["version"] = std::string(100, '1');
  refused_at(b.dump(), "$.version", "is 1 to 32 bytes long");
  // At the limit is fine for the length rule.
  b = demo();
  b["id"] = std::string(64, 'a');
  CHECK(std::holds_alternative<std::shared_ptr<const Bundle>>(load_bundle(b.dump())));
}

TEST_CASE("duplicate keys at any depth are refused with their path") {
  std::string text = demo().dump();
  refused_at(inserted(text, "{", R"("id":"other.service",)"), "$.id", "duplicate key \"id\"");
  // The fourth step (review) gets a second id.
  json b = demo();
  std::string steps = b.dump();
  refused_at(inserted(steps, R"("id":"review")", R"(,"id":"pay")"), "$.steps[3].id",
             "duplicate key \"id\"");
  refused_at(inserted(text, R"("receipt":{)", R"("title":{"ar":"x","en":"y"},)"), "$.receipt.title",
             "duplicate key \"title\"");
  refused_at(inserted(text, R"("record":{)", R"("fields":[],)"), "$.record.fields",
             "duplicate key \"fields\"");
}

TEST_CASE("integers out of their type's range are refused, never truncated") {
  json b = demo();
  b["steps"][2]["timeout_seconds"] = 4294967306ull;  // 10 once truncated to 32 bits
  refused_at(b.dump(), "$.steps[2].timeout_seconds", "expected an integer from 5 to 900");
  std::string text = demo().dump();
  refused_at(inserted(text, R"("kind":"form",)", R"("timeout_seconds":99999999999999999999999,)"),
             "$.steps[2].timeout_seconds", "out of range");
  refused_at(inserted(text, R"("kind":"form",)", R"("timeout_seconds":30.5,)"),
             "$.steps[2].timeout_seconds", "not an integer");
}

TEST_CASE("invalid UTF-8 is refused where it is") {
  std::string text = demo().dump();
  auto at = text.rfind(R"("en":"Pay municipal fees")");
  REQUIRE(at != std::string::npos);
  text.replace(at + 6, 1, "\xc3\x28");  // a broken two-byte sequence in $.title.en
  refused_at(text, "$.title.en", "not JSON");
  text = demo().dump();
  at = text.rfind(R"("en":"Pay municipal fees")");
  text.replace(at + 6, 3, "\xed\xa0\x80");  // an encoded surrogate
  refused_at(text, "$.title.en", "not JSON");
}

TEST_CASE("over-size and over-depth bundles are refused with the limit") {
  json b = demo();
  b["description"]["fr"] = std::string(k_max_bundle_bytes, 'x');
  refused_at(b.dump(), "$", "at most 1048576 are allowed");
  std::string deep = demo().dump();
  deep.insert(deep.size() - 1, R"(,"x":)" + std::string(100, '[') + std::string(100, ']'));
  // $ is the first level, $.x the second: the sixteenth array down is one too many.
  refused_at(deep, "$.x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
             "nesting deeper than 16 levels");
}
