// Hostile bundles, written to break the reader rather than by mistake: each is refused whole,
// quickly, without a crash, with the specific error and its JSON path.
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>

#include "kiosk/workflow/bundle.hpp"
#include "kiosk/workflow/bundle_limits.hpp"
#include "kiosk/workflow/bundle_version.hpp"
#include "kiosk/workflow/catalog.hpp"
#include "kiosk/workflow/engine.hpp"

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

std::string fmt_value(int i) {
  return "choice_value_number_" + std::to_string(i) + "_with_a_long_name";
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

namespace {

std::shared_ptr<const Bundle> loads(const std::string& text) {
  auto loaded = load_bundle(text);
  if (auto* errors = std::get_if<std::vector<BundleError>>(&loaded)) FAIL(format_errors(*errors));
  return std::get<std::shared_ptr<const Bundle>>(loaded);
}

}  // namespace

TEST_CASE("every json example in FORMAT.md lints") {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/kiosk/workflow/FORMAT.md");
  REQUIRE(in);
  std::stringstream page;
  page << in.rdbuf();
  std::string text = page.str();
  int examples = 0;
  for (auto at = text.find("```json\n"); at != std::string::npos;
       at = text.find("```json\n", at + 1)) {
    auto start = at + 8;
    auto end = text.find("\n```", start);
    REQUIRE(end != std::string::npos);
    CAPTURE(examples);
    auto bundle = loads(text.substr(start, end - start));
    ++examples;
    // The example's queue counter is FORMAT.md's own `C`.
    bool counter_c = false;
    for (const auto& s : bundle->steps) counter_c = counter_c || s.counter == "C";
    CHECK(counter_c);
  }
  CHECK(examples >= 1);
}

TEST_CASE("patterns: RE2 syntax, refused when too complex or not RE2, linear when catastrophic") {
  json b = demo();
  b["fields"][1]["pattern"] = "(a)\\1";  // a backreference: not RE2
  refused_at(b.dump(), "$.fields[1].pattern", "not a regular expression");
  b["fields"][1]["pattern"] = "(\\pL{50}){20}";
  refused_at(b.dump(), "$.fields[1].pattern", "too complex");
  b["fields"][1]["pattern"] = std::string(300, 'a');
  refused_at(b.dump(), "$.fields[1].pattern", "at most 256 are allowed");
  b["fields"][3]["relevant"] = "matches($account_number, \"(a\")";
  refused_at(b.dump(), "$.fields[3].relevant", "is not a valid regular expression");
  // Catastrophic for a backtracking engine, ordinary here: the bundle loads and the answer is
  // checked at once.
  b = demo();
  b["fields"][1]["pattern"] = "(a+)+$|[0-9]{8}";
  CHECK(loads(b.dump()));
}

TEST_CASE("money in a currency other than the bundle's is refused") {
  json b = demo();
  for (auto& f : b["fields"]) {
    if (f["name"] == "amount") f["calculate"] = "money(\"1.000\", \"JOD\")";
  }
  refused_at(b.dump(), "$.fields[4].calculate", "money in JOD; the service's currency is OMR");
  b = demo();
  b["steps"][4]["amount"] = "money(\"5\", \"USD\")";
  refused_at(b.dump(), "$.steps[4].amount", "money in USD; the service's currency is OMR");
  b = demo();
  b["fields"][2]["relevant"] = "amount(money(1, \"JOD\")) > 0";
  refused_at(b.dump(), "$.fields[2].relevant", "money in JOD");
}

TEST_CASE("placeholders name known fields") {
  json b = demo();
  b["steps"][3]["body"] = {{"ar", "المبلغ {amount}"}, {"en", "Amount {amuont}"}};
  refused_at(b.dump(), "$.steps[3].body.en", "the placeholder {amuont} names no field");
  b["steps"][3]["body"] = {{"ar", "المبلغ {amount}"}, {"en", "Amount {"}};
  refused_at(b.dump(), "$.steps[3].body.en", "opens no placeholder");
  b["steps"][3]["body"] = {{"ar", "{{literal}}"}, {"en", "Amount {amount}"}};
  CHECK(loads(b.dump()));
}

TEST_CASE("what the store would refuse after payment is refused at lint") {
  json b = demo();
  json many = json::array();
  for (int i = 0; i < 201; ++i) many.push_back("phone");
  b["record"]["fields"] = many;
  refused_at(b.dump(), "$.record.fields", "a record holds at most 200");
  refused_at(b.dump(), "$.record.fields[1]", "is recorded twice");
  // A multi-choice answer with every choice selected longer than a record field may be.
  b = demo();
  json choices = json::array();
  for (int i = 0; i < 150; ++i) {
    choices.push_back({{"value", fmt_value(i)}, {"label", {{"ar", "خيار"}, {"en", "Choice"}}}});
  }
  b["fields"].push_back({{"name", "extras"},
                         {"type", "multi_choice"},
                         {"label", {{"ar", "إضافات"}, {"en", "Extras"}}},
                         {"choices", choices}});
  b["record"]["fields"].push_back("extras");
  refused_at(b.dump(), "$.record.fields[4]", "a recorded answer holds at most 4096");
  // Choice values are short names.
  b = demo();
  b["fields"][0]["choices"][0]["value"] = std::string(65, 'v');
  refused_at(b.dump(), "$.fields[0].choices[0].value", "1 to 64 bytes long");
}

TEST_CASE("a bundle whose screen could stall the kiosk is refused, naming the step and the cause") {
  // Thousands of choice filters, each as costly as the expression limits allow.
  json b = demo();
  json choices = json::array();
  for (int i = 0; i < 400; ++i) {
    choices.push_back(
        {{"value", "c" + std::to_string(i)},
         {"label", {{"ar", "خيار"}, {"en", "Choice"}}},
         {"filter", "matches(concat($phone, $phone), \"(x+x+)+y\") or contains($phone, $phone)"}});
  }
  b["fields"].push_back({{"name", "slow"},
                         {"type", "choice"},
                         {"label", {{"ar", "بطيء"}, {"en", "Slow"}}},
                         {"choices", choices}});
  b["steps"][2]["fields"].push_back("slow");
  refused_at(b.dump(), "$.steps[2]", "entering this step can cost up to");
  refused_at(b.dump(), "$.steps[2]", "$.fields[5].choices (filters)");
}

namespace {

const shubbak::CivilDate k_today{2026, 11, 21};

// The fees demo at its form, fee type "waste".
WorkflowEngine at_details(const json& b, EngineOptions options = {}) {
  WorkflowEngine e(loads(b.dump()), k_today, options);
  e.next();
  REQUIRE(e.choose("waste"));
  REQUIRE(e.step().id == "details");
  return e;
}

}  // namespace

TEST_CASE("a bound or constraint that fails at run time refuses the answer") {
  json b = demo();
  b["fields"][2]["max"] = "12 / 0";
  auto e = at_details(b);
  e.set_answer("account_number", "12345678");
  e.set_answer("months", "3");
  auto issues = e.next();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].field == "months");
  CHECK(issues[0].kind == FieldIssue::Kind::invalid);
  CHECK(e.step().id == "details");
  // A constraint that fails to evaluate refuses too.
  b = demo();
  b["fields"][3]["constraint"] = "number($phone) / 0 > 1";
  b["fields"][3]["constraint_message"] = {{"ar", "خطأ"}, {"en", "Wrong"}};
  auto c = at_details(b);
  c.set_answer("account_number", "12345678");
  c.set_answer("phone", "91234567");
  issues = c.next();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == FieldIssue::Kind::constraint);
}

TEST_CASE(
    "an action over the work budget stops the session with a generic message and a precise log") {
  json b = demo();
  auto e = at_details(b, EngineOptions{.work_steps_per_action = 40});
  CHECK_FALSE(e.stopped());
  e.set_answer("phone", std::string(4000, '9'));  // the pattern check and recalculation spend
  (void)e.next();
  REQUIRE(e.stopped());
  CHECK(e.stopped()->code == shubbak::Errc::cancelled);
  CHECK(e.stopped()->message.find("service muscat.municipality.fees 1.0.0, step details") !=
        std::string::npos);
  CHECK(e.step().kind == StepKind::end);
  CHECK(e.step().title.en == "This service cannot continue");
  CHECK_FALSE(e.step().title.ar.empty());
  CHECK(e.finished());
  // Nothing more happens after a stop.
  CHECK(e.next().empty());
  CHECK(e.step().title.en == "This service cannot continue");
}

TEST_CASE("{field} placeholders show the answers") {
  json b = demo();
  auto e = at_details(b);
  e.set_answer("account_number", "12345678");
  Text t{"الحساب {account_number} {fee_type}",
         "Account {account_number}, {fee_type}, {{x}}, {phone}",
         {}};
  CHECK(e.text(t, shubbak::Language::en) == "Account 12345678, Waste collection, {x}, ");
  auto shown = e.text(t, shubbak::Language::en,
                      [](const Field& f, const Value&) { return "<" + f.name + ">"; });
  CHECK(shown == "Account <account_number>, <fee_type>, {x}, ");
}

TEST_CASE("answers the store would refuse are refused when typed, never after payment") {
  json b = demo();
  auto e = at_details(b);
  // A recorded field: a card number is never stored, so it is never accepted.
  auto issue = e.set_answer("account_number", "4111 1111 1111 1111");
  REQUIRE(issue);
  CHECK(issue->kind == FieldIssue::Kind::invalid);
  CHECK(e.set_answer("account_number", std::string(5000, '1'))->kind == FieldIssue::Kind::invalid);
}

TEST_CASE("one bad bundle next to good ones: the catalog keeps the good ones") {
  auto dir =
      std::filesystem::temp_directory_path() / ("shubbak-hostile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "services" / "x");
  for (const char* name : {"muscat.municipality.fees", "jordan.health.appointment"}) {
    std::ofstream(dir / "services" / (std::string(name) + ".json")) << demo_text(name);
  }
  json bad = demo();
  bad["id"] = std::string(8000, 'a');
  std::ofstream(dir / "services" / "x" / "long-id.json") << bad.dump();
  std::ofstream(dir / "services" / "x" / "huge.json") << std::string(k_max_bundle_bytes + 10, ' ');
  std::ofstream(dir / "services" / "x" / "dup.json")
      << inserted(demo().dump(), "{", R"("id":"a",)");
  auto catalog = load_catalog(dir / "services");
  CHECK(catalog.services.size() == 2);
  CHECK(catalog.refused.size() == 3);
  for (const auto& refused : catalog.refused) {
    CAPTURE(refused.file);
    REQUIRE(!refused.errors.empty());
    if (refused.file.filename() == "huge.json")
      CHECK(refused.errors[0].message.find("larger than 1048576") != std::string::npos);
    if (refused.file.filename() == "long-id.json") CHECK(refused.errors[0].path == "$.id");
    if (refused.file.filename() == "dup.json")
      CHECK(refused.errors[0].message == "duplicate key \"id\"");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a TUF set: each ministry's directory holds only its own bundles; one id, the newest") {
  auto dir = std::filesystem::temp_directory_path() /
             ("shubbak-catalog-rules-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  json fees = demo();  // muscat.municipality.fees, ministry "muscat-municipality"
  REQUIRE(fees["ministry"] == "muscat-municipality");
  std::filesystem::create_directories(dir / "muscat-municipality");
  std::filesystem::create_directories(dir / "health");
  // Another ministry's key signed a bundle declaring this ministry under its own directory.
  json foreign = fees;
  foreign["id"] = "muscat.municipality.parking";
  std::ofstream(dir / "health" / "parking.json") << foreign.dump();
  // One id twice: 1.4.0 beside 1.10.0 (numerically newer, alphabetically older).
  json old_fees = fees;
  old_fees["version"] = "1.4.0";
  json new_fees = fees;
  new_fees["version"] = "1.10.0";
  std::ofstream(dir / "muscat-municipality" / "a-fees.json") << new_fees.dump();
  std::ofstream(dir / "muscat-municipality" / "b-fees.json") << old_fees.dump();
  // The set's own manifest is no bundle, and no error.
  std::ofstream(dir / "manifest.json") << R"({"generation":1,"bundles":[]})";

  auto catalog = load_catalog(dir);
  REQUIRE(catalog.services.size() == 1);
  CHECK(catalog.services[0]->id == "muscat.municipality.fees");
  CHECK(catalog.services[0]->version == "1.10.0");
  REQUIRE(catalog.refused.size() == 2);
  std::map<std::string, std::string> why;
  for (const auto& refused : catalog.refused) {
    REQUIRE(refused.errors.size() == 1);
    why[refused.file.filename().string()] =
        refused.errors[0].path + ": " + refused.errors[0].message;
  }
  CHECK(why["parking.json"] ==
        "$.ministry: \"muscat-municipality\" is not the ministry whose directory holds it "
        "(\"health\", signed by that ministry's delegation)");
  CHECK(
      why["b-fees.json"] ==
      "$.id: another bundle has id \"muscat.municipality.fees\" with version 1.10.0, above 1.4.0");

  // Reversed order on disk: the newer one still wins.
  std::filesystem::rename(dir / "muscat-municipality" / "a-fees.json",
                          dir / "muscat-municipality" / "c-fees.json");
  auto again = load_catalog(dir);
  REQUIRE(again.services.size() == 1);
  CHECK(again.services[0]->version == "1.10.0");
  REQUIRE(again.refused.size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("bundle versions compare by number, and only MAJOR.MINOR.PATCH parses") {
  CHECK(parse_bundle_version("1.10.0") > parse_bundle_version("1.9.9"));
  CHECK(parse_bundle_version("2.0.0") > parse_bundle_version("1.99.99"));
  CHECK(parse_bundle_version("0.0.1") == BundleVersion{0, 0, 1});
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "1..3", "-1.2.3", "1.2.3 ",
                          "99999999999999999999.0.0"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_bundle_version(bad).has_value());
  }
}
