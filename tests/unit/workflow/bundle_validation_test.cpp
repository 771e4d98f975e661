// A corpus of invalid bundles: each is a real demo bundle with one thing broken, and each must be
// refused whole with the specific error (JSON path and message) the specification promises.
#include <fstream>
#include <functional>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "kiosk/workflow/bundle.hpp"

using namespace shubbak::workflow;
using json = nlohmann::json;

namespace {

json base() {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) +
                   "/assets/services/muscat.municipality.fees.json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::vector<BundleError> errors_of(const std::string& text) {
  auto loaded = load_bundle(text);
  REQUIRE_MESSAGE(std::holds_alternative<std::vector<BundleError>>(loaded),
                  "the broken bundle was accepted");
  return std::get<std::vector<BundleError>>(loaded);
}

bool has(const std::vector<BundleError>& errors, const std::string& path,
         const std::string& message) {
  for (const auto& e : errors) {
    if (e.path == path && e.message.find(message) != std::string::npos) return true;
  }
  return false;
}

json& step(json& b, const std::string& id) {
  for (auto& s : b["steps"]) {
    if (s["id"] == id) return s;
  }
  FAIL("no step " << id);
  return b;
}

json& field(json& b, const std::string& name) {
  for (auto& f : b["fields"]) {
    if (f["name"] == name) return f;
  }
  FAIL("no field " << name);
  return b;
}

struct Case {
  const char* name;
  std::function<void(json&)> breakage;
  const char* path;
  const char* message;
};

}  // namespace

TEST_CASE("every demo service is valid") {
  for (const char* file : {"muscat.municipality.fees", "oman.civil-status.birth-certificate",
                           "jordan.health.appointment"}) {
    CAPTURE(file);
    std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/" + file + ".json");
    std::stringstream text;
    text << in.rdbuf();
    auto loaded = load_bundle(text.str());
    if (auto* errors = std::get_if<std::vector<BundleError>>(&loaded)) FAIL(format_errors(*errors));
    CHECK(std::get<std::shared_ptr<const Bundle>>(loaded)->id == file);
  }
}

TEST_CASE("a corpus of broken bundles, each refused with its own error") {
  const std::vector<Case> corpus = {
      {"not json", [](json&) {}, "$", "not JSON"},
      {"wrong format version", [](json& b) { b["format"] = "shubbak.service/2"; }, "$.format",
       "unsupported format"},
      {"bad service id", [](json& b) { b["id"] = "Muscat Fees"; }, "$.id", "is not a service id"},
      {"bad version", [](json& b) { b["version"] = "1.0"; }, "$.version", "MAJOR.MINOR.PATCH"},
      {"unknown category", [](json& b) { b["category"] = "fun"; }, "$.category",
       "unknown category \"fun\""},
      {"unknown top-level key", [](json& b) { b["colour"] = "green"; }, "$.colour", "unknown key"},
      {"missing title", [](json& b) { b.erase("title"); }, "$.title", "required"},
      {"missing Arabic title", [](json& b) { b["title"].erase("ar"); }, "$.title.ar",
       "missing Arabic text"},
      {"empty English text", [](json& b) { step(b, "intro")["body"]["en"] = ""; },
       "$.steps[0].body.en", "missing English text"},
      {"unknown device", [](json& b) { b["requires"].push_back("fax"); }, "$.requires[2]",
       "unknown device \"fax\""},
      {"unknown currency", [](json& b) { b["currency"] = "XYZ"; }, "$.currency",
       "unknown currency"},
      {"money without currency", [](json& b) { b.erase("currency"); }, "$.currency",
       "required: the service uses money"},
      {"duplicate field", [](json& b) { b["fields"].push_back(b["fields"][0]); },
       "$.fields[5].name", "duplicate field \"fee_type\""},
      {"bad field name", [](json& b) { field(b, "phone")["name"] = "Phone"; }, "$.fields[3].name",
       "is not a field name"},
      {"unknown field type", [](json& b) { field(b, "phone")["type"] = "email"; },
       "$.fields[3].type", "unknown field type \"email\""},
      {"choice without choices", [](json& b) { field(b, "fee_type").erase("choices"); },
       "$.fields[0].choices", "required for a choice field"},
      {"duplicate choice",
       [](json& b) {
         field(b, "fee_type")["choices"].push_back(field(b, "fee_type")["choices"][0]);
       },
       "$.fields[0].choices[3].value", "duplicate choice"},
      {"broken pattern", [](json& b) { field(b, "account_number")["pattern"] = "[0-9"; },
       "$.fields[1].pattern", "not a regular expression"},
      {"pattern on a number", [](json& b) { field(b, "months")["pattern"] = "[0-9]+"; },
       "$.fields[2].pattern", "only text, phone and national_id"},
      {"unknown check digit",
       [](json& b) { field(b, "account_number")["check_digit"] = "verhoeff"; },
       "$.fields[1].check_digit", "expected \"luhn\" or \"mod11\""},
      {"constraint without message",
       [](json& b) { field(b, "phone")["constraint"] = "len($phone) = 8"; },
       "$.fields[3].constraint_message", "required with a constraint"},
      {"expression syntax error", [](json& b) { field(b, "months")["relevant"] = "$fee_type != "; },
       "$.fields[2].relevant", "expression: "},
      {"expression on an unknown field",
       [](json& b) { field(b, "months")["relevant"] = "$fee_kind = \"waste\""; },
       "$.fields[2].relevant", "expression: "},
      {"relevant is not boolean", [](json& b) { field(b, "months")["relevant"] = "$months + 1"; },
       "$.fields[2].relevant", "expected boolean"},
      {"calculate of the wrong type", [](json& b) { field(b, "amount")["calculate"] = "\"free\""; },
       "$.fields[4].calculate", "expected money"},
      {"unknown step kind", [](json& b) { step(b, "intro")["kind"] = "video"; }, "$.steps[0].kind",
       "unknown step kind \"video\""},
      {"duplicate step", [](json& b) { step(b, "declined")["id"] = "done"; }, "$.steps[8].id",
       "duplicate step \"done\""},
      {"next to an unknown step", [](json& b) { step(b, "details")["next"] = "reveiw"; },
       "$.steps[2].next", "unknown step \"reveiw\""},
      {"unknown start", [](json& b) { b["start"] = "welcome"; }, "$.start",
       "unknown step \"welcome\""},
      {"device outcome missing", [](json& b) { step(b, "pay")["outcomes"].erase("timeout"); },
       "$.steps[4].outcomes.timeout", "required: every outcome must lead somewhere"},
      {"outcome a step cannot have",
       [](json& b) { step(b, "print")["outcomes"]["declined"] = "done"; },
       "$.steps[6].outcomes.declined", "not an outcome of print_receipt"},
      {"device not required", [](json& b) { b["requires"] = {"printer"}; }, "$.steps[4].methods",
       "which $.requires does not list"},
      {"form asks a calculated field",
       [](json& b) { step(b, "details")["fields"].push_back("amount"); }, "$.steps[2].fields[3]",
       "is calculated and cannot be asked"},
      {"menu option not a choice",
       [](json& b) { step(b, "choose")["options"][0]["value"] = "parking"; },
       "$.steps[1].options[0].value", "is not a choice of \"fee_type\""},
      {"unreachable step",
       [](json& b) {
         b["steps"].push_back({{"id", "orphan"},
                               {"kind", "end"},
                               {"result", "completed"},
                               {"title", {{"ar", "ي"}, {"en", "Orphan"}}}});
       },
       "$.steps[11]", "cannot be reached from the start"},
      {"a step with no way to an end", [](json& b) { step(b, "review")["next"] = "details"; },
       "$.steps[3]", "no way from step \"review\" to an end step"},
      {"print before submit", [](json& b) { step(b, "pay")["outcomes"]["ok"] = "print"; },
       "$.steps[6]", "can be reached without a submit step before it"},
      {"loop without user input",
       [](json& b) { step(b, "print")["outcomes"]["device_error"] = "print"; }, "$.steps[6]",
       "loop without user input"},
      {"payment amount is not money", [](json& b) { step(b, "pay")["amount"] = "$months"; },
       "$.steps[4].amount", "expected money"},
      {"unknown payment method", [](json& b) { step(b, "pay")["methods"].push_back("cash"); },
       "$.steps[4].methods[2]", "expected \"terminal\" or \"reference\""},
      {"record names an unknown field", [](json& b) { b["record"]["fields"].push_back("email"); },
       "$.record.fields[4]", "unknown field \"email\""},
      {"prints without a receipt", [](json& b) { b.erase("receipt"); }, "$.receipt",
       "required: a step prints a receipt"},
      {"timeout out of range", [](json& b) { step(b, "details")["timeout_seconds"] = 3600; },
       "$.steps[2].timeout_seconds", "from 5 to 900"},
  };
  CHECK(corpus.size() >= 30);
  for (const auto& c : corpus) {
    CAPTURE(c.name);
    json bundle = base();
    c.breakage(bundle);
    std::string text =
        std::string(c.name) == "not json" ? bundle.dump().substr(0, 40) : bundle.dump();
    auto errors = errors_of(text);
    INFO(format_errors(errors));
    CHECK(has(errors, c.path, c.message));
  }
}

TEST_CASE("every error of a bundle is listed, not just the first") {
  json b = base();
  b["version"] = "one";
  b["title"].erase("en");
  step(b, "details")["next"] = "nowhere";
  auto errors = errors_of(b.dump());
  CHECK(has(errors, "$.version", "MAJOR.MINOR.PATCH"));
  CHECK(has(errors, "$.title.en", "missing English text"));
  CHECK(has(errors, "$.steps[2].next", "unknown step \"nowhere\""));
}
