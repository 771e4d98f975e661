// The rollout policy as a kiosk reads it from a target's custom field, the kiosk's position,
// and the decision: strict parsing, shares that hold over many kiosk ids, groups, halts.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/trust/rollout.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;
using Json = nlohmann::json;

constexpr UnixSeconds k_start = 1'796'000'000;

Json custom_with(Json rollout) {
  return Json{{"rollout", std::move(rollout)}};
}

Json three_waves() {
  return {{"waves",
           {{{"percent", 1}, {"opens", format_utc_time(k_start)}},
            {{"percent", 10}, {"opens", format_utc_time(k_start + 86400)}},
            {{"percent", 100}, {"opens", format_utc_time(k_start + 2 * 86400)}}}},
          {"halted", false}};
}

std::string refusal(Json rollout) {
  auto parsed = parse_rollout(custom_with(std::move(rollout)));
  return parsed ? "accepted" : parsed.error().message;
}

}  // namespace

TEST_CASE("a target without a rollout has no policy; a well-formed one reads back whole") {
  auto none = parse_rollout(Json{{"other", 1}});
  REQUIRE(none);
  CHECK_FALSE(*none);
  auto empty = parse_rollout(Json());
  REQUIRE(empty);
  CHECK_FALSE(*empty);

  Json rollout = three_waves();
  rollout["groups"] = {"pilot", "region:riyadh"};
  rollout["previous"] = {
      {"version", "3"}, {"length", 12}, {"hashes", {{"sha256", std::string(64, 'a')}}}};
  auto parsed = parse_rollout(custom_with(rollout));
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().describe()));
  REQUIRE(*parsed);
  CHECK((*parsed)->waves.size() == 3);
  CHECK((*parsed)->waves[1].opens == k_start + 86400);
  CHECK((*parsed)->groups == std::vector<std::string>{"pilot", "region:riyadh"});
  REQUIRE((*parsed)->previous);
  CHECK((*parsed)->previous->file.length == 12);
  // What shubbakctl signs is what the kiosk reads.
  auto again = parse_rollout(custom_with(rollout_json(**parsed)));
  REQUIRE(again);
  CHECK(rollout_json(**again) == rollout_json(**parsed));
}

TEST_CASE("a malformed rollout is refused with the field named") {
  Json rollout = three_waves();
  rollout["waves"][1]["percent"] = 1;
  CHECK(refusal(rollout).find("must be above 1") != std::string::npos);
  rollout = three_waves();
  rollout["waves"][2]["percent"] = 101;
  CHECK(refusal(rollout).find("at most 100") != std::string::npos);
  rollout = three_waves();
  rollout["waves"][0]["percent"] = 0.5;  // canonical JSON has no floats; neither does a policy
  CHECK(refusal(rollout).find("must be an integer") != std::string::npos);
  rollout = three_waves();
  rollout["waves"] = Json::array();
  CHECK(refusal(rollout).find("non-empty array") != std::string::npos);
  rollout = three_waves();
  rollout["groups"] = {"Pilot"};
  CHECK(refusal(rollout).find("not a group name") != std::string::npos);
  rollout = three_waves();
  rollout["groups"] = {"pilot", "pilot"};
  CHECK(refusal(rollout).find("given twice") != std::string::npos);
  rollout = three_waves();
  rollout["waves"][1]["percent"] = 4294967297LL;  // not 1 once narrowed: refused as it is
  CHECK(refusal(rollout).find("4294967297 must be above") != std::string::npos);
  rollout = three_waves();
  rollout["waves"][2]["opens"] = format_utc_time(k_start);  // before the wave before it
  CHECK(refusal(rollout).find("opens before the wave before it") != std::string::npos);
  rollout = three_waves();
  rollout["previous"] = {{"version", "3"}, {"length", 12}, {"hashes", {{"sha512", "ab"}}}};
  CHECK(refusal(rollout).find("hashes.sha256") != std::string::npos);
  rollout = three_waves();
  rollout["halted"] = "no";
  CHECK(refusal(rollout).find("true or false") != std::string::npos);
  rollout = three_waves();
  rollout["everyone"] = true;
  CHECK(refusal(rollout).find("unknown field \"everyone\"") != std::string::npos);
  rollout = three_waves();
  rollout["waves"][0]["opens"] = "tomorrow";
  CHECK(refusal(rollout) != "accepted");
  rollout = three_waves();
  rollout["previous"] = {{"version", "3"}, {"length", 12}, {"hashes", Json::object()}};
  CHECK(refusal(rollout).find("previous.hashes") != std::string::npos);
}

TEST_CASE("positions are stable per kiosk and bundle, and spread evenly over 10,000 kiosks") {
  CHECK(rollout_position("kiosk-1", "services/a.json") ==
        rollout_position("kiosk-1", "services/a.json"));
  int under_one = 0, under_ten = 0, under_fifty = 0, same_place = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string id = fmt::format("kiosk-{:05}", i);
    int position = rollout_position(id, "services/a.json");
    REQUIRE(position >= 0);
    REQUIRE(position < 10000);
    under_one += position < 100;
    under_ten += position < 1000;
    under_fifty += position < 5000;
    same_place += position == rollout_position(id, "services/b.json");
  }
  CHECK(under_one >= 50);
  CHECK(under_one <= 150);
  CHECK(under_ten >= 900);
  CHECK(under_ten <= 1100);
  CHECK(under_fifty >= 4800);
  CHECK(under_fifty <= 5200);
  // Salted by the target: another bundle orders the fleet differently.
  CHECK(same_place < 10);
}

TEST_CASE("the decision: waves by the given time, groups, halts") {
  auto policy = **parse_rollout(custom_with(three_waves()));
  // Find a kiosk in the 1% wave and one beyond 10%.
  std::string early, late;
  for (int i = 0; early.empty() || late.empty(); ++i) {
    std::string id = fmt::format("k{}", i);
    int position = rollout_position(id, "services/a.json");
    if (position < 100 && early.empty()) early = id;
    if (position >= 1000 && late.empty()) late = id;
  }
  auto decide = [&](const std::string& id, UnixSeconds now, std::vector<std::string> groups = {}) {
    return decide_rollout(policy, {id, std::move(groups)}, "services/a.json", now);
  };
  CHECK(decide(early, k_start - 1).verdict == RolloutVerdict::wait_for_wave);
  CHECK(decide(early, k_start - 1).opens == k_start);
  CHECK(decide(early, k_start).verdict == RolloutVerdict::install);
  CHECK(decide(late, k_start + 86400).verdict == RolloutVerdict::wait_for_wave);
  CHECK(decide(late, k_start + 86400).opens == k_start + 2 * 86400);
  CHECK(decide(late, k_start + 2 * 86400).verdict == RolloutVerdict::install);

  policy.halted = true;
  CHECK(decide(early, k_start + 9 * 86400).verdict == RolloutVerdict::halted);
  policy.halted = false;

  policy.groups = {"pilot"};
  CHECK(decide(early, k_start + 9 * 86400).verdict == RolloutVerdict::not_in_groups);
  CHECK(decide(early, k_start + 9 * 86400, {"region:riyadh"}).verdict ==
        RolloutVerdict::not_in_groups);
  CHECK(decide(early, k_start + 9 * 86400, {"region:riyadh", "pilot"}).verdict ==
        RolloutVerdict::install);

  // A last wave below 100%: the kiosks beyond it wait with no date.
  policy.groups.clear();
  policy.waves = {{10, k_start}};
  CHECK(decide(late, k_start + 9 * 86400).verdict == RolloutVerdict::wait_for_wave);
  CHECK_FALSE(decide(late, k_start + 9 * 86400).opens);
}
