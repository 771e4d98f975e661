// The workflow engine walking the real demo bundles: skip logic, calculations, validation,
// choice filters, back, cancel, device outcomes, and the transaction it hands to the store.
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "kiosk/workflow/engine.hpp"

using namespace shubbak;
using namespace shubbak::workflow;

namespace {

std::shared_ptr<const Bundle> demo(const std::string& id) {
  std::ifstream in(std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/" + id + ".json");
  std::stringstream text;
  text << in.rdbuf();
  auto loaded = load_bundle(text.str());
  if (auto* errors = std::get_if<std::vector<BundleError>>(&loaded)) FAIL(format_errors(*errors));
  return std::get<std::shared_ptr<const Bundle>>(loaded);
}

const CivilDate k_today{2026, 11, 21};

std::vector<std::string> names(const std::vector<const Field*>& fields) {
  std::vector<std::string> out;
  for (const Field* f : fields) out.push_back(f->name);
  return out;
}

std::vector<FieldIssue::Kind> kinds(const std::vector<FieldIssue>& issues) {
  std::vector<FieldIssue::Kind> out;
  for (const auto& i : issues) out.push_back(i.kind);
  return out;
}

}  // namespace

TEST_CASE("municipal fees: menu, form checks, calculated amount, payment, submit, receipt") {
  WorkflowEngine e(demo("muscat.municipality.fees"), k_today);
  CHECK(e.step().id == "intro");
  e.next();
  REQUIRE(e.step().id == "choose");
  CHECK(e.choose("waste"));
  REQUIRE(e.step().id == "details");
  CHECK(names(e.visible_fields()) == std::vector<std::string>{"account_number", "months", "phone"});
  CHECK(e.answers().at("months").to_display_string() == "1");  // the default

  CHECK(kinds(e.next()) == std::vector{FieldIssue::Kind::required});  // no account number yet
  e.set_answer("account_number", "1234567");
  CHECK(kinds(e.next()) == std::vector{FieldIssue::Kind::pattern});
  e.set_answer("account_number", "١٢٣٤٥٦٧٨");  // typed in Arabic-Indic digits
  e.set_answer("months", "13");
  CHECK(kinds(e.next()) == std::vector{FieldIssue::Kind::too_large});
  e.set_answer("months", "3");
  CHECK(e.set_answer("months", "three")->kind == FieldIssue::Kind::invalid);
  e.set_answer("phone", "91234567");
  CHECK(e.next().empty());
  REQUIRE(e.step().id == "review");
  CHECK(e.answers().at("amount") == Value{Money{7500, "OMR"}});  // 2.500 x 3, exact

  e.next();
  REQUIRE(e.step().id == "pay");
  CHECK(*e.payment_amount() == Money{7500, "OMR"});
  e.device_finished(Outcome::ok,
                    {{"method", "terminal"}, {"reference", "K-1"}, {"masked_card", "**** 4242"}});
  REQUIRE(e.step().id == "submit");
  CHECK_FALSE(e.back());  // paid: no walking back into the form
  auto draft = e.transaction_draft();
  CHECK(draft.service_id == "muscat.municipality.fees");
  CHECK(draft.service_version == "1.0.0");
  REQUIRE(draft.payment);
  CHECK(draft.payment->amount == Money{7500, "OMR"});
  CHECK(draft.payment->reference == "K-1");
  CHECK(draft.fields ==
        std::vector<std::pair<std::string, std::string>>{{"fee_type", "waste"},
                                                         {"account_number", "12345678"},
                                                         {"months", "3"},
                                                         {"amount", "7.500 OMR"}});
  e.device_finished(Outcome::ok, {{"transaction_id", "0193-..."}});
  REQUIRE(e.step().id == "print");
  e.device_finished(Outcome::device_error);  // a printer fault still ends well: the request is in
  CHECK(e.finished());
  CHECK(e.step().result == EndResult::completed);
}

TEST_CASE("skip logic: a shop licence asks no months and costs a fixed fee") {
  WorkflowEngine e(demo("muscat.municipality.fees"), k_today);
  e.next();
  e.choose("shop_licence");
  CHECK(names(e.visible_fields()) == std::vector<std::string>{"account_number", "phone"});
  e.set_answer("account_number", "87654321");
  REQUIRE(e.next().empty());
  CHECK(e.answers().at("amount") == Value{Money{25000, "OMR"}});
  CHECK_FALSE(e.answers().contains("months"));
}

TEST_CASE("back keeps the answers; cancel ends the session as cancelled") {
  WorkflowEngine e(demo("muscat.municipality.fees"), k_today);
  e.next();
  e.choose("lighting");
  e.set_answer("account_number", "11112222");
  REQUIRE(e.next().empty());
  REQUIRE(e.step().id == "review");
  CHECK(e.back());
  CHECK(e.step().id == "details");
  CHECK(e.answers().at("account_number").to_display_string() == "11112222");
  CHECK(e.back());
  CHECK(e.step().id == "choose");
  e.cancel();
  CHECK(e.finished());
  CHECK(e.step().result == EndResult::cancelled);
}

TEST_CASE("payment outcomes go where the bundle says") {
  for (auto [outcome, end] : {std::pair{Outcome::declined, "declined"},
                              {Outcome::cancelled, "cancelled"},
                              {Outcome::timeout, "failed"},
                              {Outcome::device_error, "failed"}}) {
    WorkflowEngine e(demo("muscat.municipality.fees"), k_today);
    e.next();
    e.choose("waste");
    e.set_answer("account_number", "12345678");
    e.next();
    e.next();
    REQUIRE(e.step().id == "pay");
    e.device_finished(outcome);
    CHECK(e.step().id == end);
    CHECK_FALSE(e.payment().has_value());
    CHECK_FALSE(e.submitted());
  }
}

TEST_CASE("birth certificate: the card fills the fields; choice filter and relevance follow") {
  WorkflowEngine e(demo("oman.civil-status.birth-certificate"), k_today);
  e.next();
  REQUIRE(e.step().kind == StepKind::read_id_card);
  e.device_finished(Outcome::ok, {{"id_number", "9861031234"},
                                  {"name_ar", "أحمد بن سالم البلوشي"},
                                  {"name_en", "AHMED BIN SALIM AL BALUSHI"},
                                  {"birth_date", "1986-03-14"}});
  REQUIRE(e.step().id == "details");
  CHECK(e.answers().at("national_id").to_display_string() == "9861031234");
  CHECK(e.answers().at("birth_date") == Value{CivilDate{1986, 3, 14}});
  const Field& who = *e.bundle().field("certificate_for");
  CHECK(e.offered_choices(who).size() == 2);  // an adult may ask for a child's certificate
  CHECK(names(e.visible_fields()) == std::vector<std::string>{"certificate_for", "copies"});
  e.set_answer("certificate_for", "child");
  CHECK(names(e.visible_fields()) ==
        std::vector<std::string>{"certificate_for", "child_name", "copies"});
  e.set_answer("child_name", "م");
  auto issues = e.next();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == FieldIssue::Kind::constraint);
  REQUIRE(issues[0].message);
  CHECK(issues[0].message->ar == "اكتب الاسم كاملاً");
  e.set_answer("child_name", "مريم أحمد البلوشي");
  e.set_answer("copies", "2");
  REQUIRE(e.next().empty());
  CHECK(e.answers().at("fee") == Value{Money{2000, "OMR"}});

  WorkflowEngine minor(demo("oman.civil-status.birth-certificate"), k_today);
  minor.next();
  minor.device_finished(Outcome::ok, {{"id_number", "1"}, {"birth_date", "2015-01-01"}});
  CHECK(minor.offered_choices(*minor.bundle().field("certificate_for")).size() == 1);
  CHECK(minor.set_answer("certificate_for", "child")->kind == FieldIssue::Kind::invalid);
}

TEST_CASE("a card that cannot be read ends the session with the bundle's message") {
  WorkflowEngine e(demo("oman.civil-status.birth-certificate"), k_today);
  e.next();
  e.device_finished(Outcome::device_error);
  CHECK(e.step().id == "card_failed");
  CHECK(e.step().result == EndResult::failed);
}

TEST_CASE("health appointment: check digit, choice filter by governorate, date bounds") {
  WorkflowEngine e(demo("jordan.health.appointment"), k_today);
  e.next();
  e.set_answer("national_id", "9861031235");
  e.set_answer("governorate", "maan");
  e.set_answer("phone", "0791234567");
  CHECK(kinds(e.next()) == std::vector{FieldIssue::Kind::check_digit});
  e.set_answer("national_id", "9861031236");  // Luhn-valid
  REQUIRE(e.next().empty());
  REQUIRE(e.step().id == "clinic");
  const Field& clinic = *e.bundle().field("clinic");
  CHECK(e.offered_choices(clinic).size() == 2);                    // no dental clinic in Ma'an
  CHECK(e.answers().at("day") == Value{CivilDate{2026, 11, 22}});  // default: tomorrow
  e.set_answer("clinic", "general");
  e.set_answer("has_chronic", "no");
  e.set_answer("day", "2027-01-15");
  CHECK(kinds(e.next()) == std::vector{FieldIssue::Kind::too_large});
  e.set_answer("day", "2026-11-30");
  REQUIRE(e.next().empty());
  e.next();
  REQUIRE(e.step().kind == StepKind::submit);
  CHECK_FALSE(e.transaction_draft().payment.has_value());  // free
}

TEST_CASE("step indicator: the citizen's steps counted along the path, back counts back") {
  // Health appointment: intro, who, clinic, review are the citizen's; submit and print are not.
  WorkflowEngine engine(demo("jordan.health.appointment"), k_today);
  REQUIRE(engine.step().id == "intro");
  auto at_intro = engine.progress();
  REQUIRE(at_intro);
  CHECK(at_intro->number == 1);
  CHECK(at_intro->total == 4);
  CHECK(engine.next().empty());
  REQUIRE(engine.step().id == "who");
  auto at_who = engine.progress();
  REQUIRE(at_who);
  CHECK(at_who->number == 2);
  CHECK(at_who->total == 4);
  CHECK(engine.back());
  REQUIRE(engine.progress());
  CHECK(engine.progress()->number == 1);
  // The end is no step of the citizen's.
  engine.cancel();
  CHECK_FALSE(engine.progress());
}
