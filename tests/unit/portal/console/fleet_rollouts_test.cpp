// The console's rollout view: each wave's kiosks placed as the kiosks place themselves, counted
// by what their heartbeats report for the target, and a wave failing past the threshold.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/console/fleet_rollouts.hpp"

using namespace shubbak;
using namespace shubbak::portal;
using namespace shubbak::portal::console;

namespace {

constexpr std::int64_t k_now_s = 1'800'000'000;
const std::string k_target = "services/jordan-health/appointment.json";

PublishedBundle bundle_with(const trust::RolloutPolicy& policy) {
  return PublishedBundle{k_target, "jordan.health.appointment", "1.1.0",
                         nlohmann::json{{"rollout", trust::rollout_json(policy)}}};
}

KioskHealth kiosk(int i, std::vector<std::string> groups, std::string state) {
  KioskHealth k;
  k.kiosk_id = fmt::format("kiosk-{:04}", i);
  k.groups = std::move(groups);
  portal_protocol::Heartbeat h;
  h.kiosk_id = k.kiosk_id;
  portal_protocol::FleetTelemetry t;
  if (!state.empty()) t.services.rollout = {{k_target, state, std::nullopt, ""}};
  h.telemetry = t;
  k.heartbeat = h;
  k.heartbeat_ms = k_now_s * 1000;
  return k;
}

}  // namespace

TEST_CASE("a rollout's waves count their kiosks by what each reports, and fail past 2%") {
  trust::RolloutPolicy policy;
  policy.groups = {"pilot"};
  policy.waves = {{10, k_now_s - 3600}, {100, k_now_s + 3600}};
  std::vector<KioskHealth> fleet;
  int refused_in_first = 0;
  for (int i = 0; i < 1000; ++i) {
    bool pilot = i % 4 != 0;  // a quarter are outside the group
    bool first = trust::rollout_position(fmt::format("kiosk-{:04}", i), k_target) < 1000;
    std::string state = !pilot ? "not_in_groups" : first ? "installed" : "waiting";
    if (pilot && first && refused_in_first < 3) {
      state = "refused";
      ++refused_in_first;
    }
    if (pilot && !first && i % 50 == 1) state.clear();  // a few never reported
    fleet.push_back(kiosk(
        i, pilot ? std::vector<std::string>{"pilot", "site:x"} : std::vector<std::string>{"site:x"},
        state));
  }
  auto rollouts = rollout_progress({bundle_with(policy), {"other.json", "x", "1", {}}}, fleet,
                                   k_now_s, RolloutRules{});
  REQUIRE(rollouts.size() == 1);  // the bundle without a policy is no rollout
  const auto& r = rollouts[0];
  CHECK(r.outside_groups == 250);
  REQUIRE(r.waves.size() == 2);
  CHECK(r.waves[0].open);
  CHECK_FALSE(r.waves[1].open);
  CHECK(r.waves[0].kiosks + r.waves[1].kiosks == 750);
  CHECK(r.waves[0].kiosks > 50);  // about a tenth of 750
  CHECK(r.waves[0].kiosks < 100);
  CHECK(r.waves[0].failed == 3);
  CHECK(r.waves[0].updated == r.waves[0].kiosks - 3);
  CHECK(r.waves[1].updated == 0);
  CHECK(r.waves[1].waiting + r.waves[1].unreported == r.waves[1].kiosks);
  CHECK(r.waves[1].unreported > 0);
  // Three refusals in a wave of under 100 kiosks is more than 2%.
  CHECK(r.waves[0].failing);
  CHECK_FALSE(r.waves[1].failing);
  auto alerts = rollout_alerts(rollouts);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].kind == AlertKind::rollout_failing);
  CHECK(alerts[0].kiosk_id.empty());
  CHECK(alerts[0].detail == fmt::format("{} wave 1: 3 of {} refused", k_target, r.waves[0].kiosks));
  // A looser threshold: no wave fails.
  CHECK(rollout_alerts(rollout_progress({bundle_with(policy)}, fleet, k_now_s, {0.05})).empty());

  PageContext context;
  context.user = "amal";
  context.language = Language::en;
  std::string page = render_rollouts(context, rollouts, true, "", 15);
  CHECK(page.find("data-target=\"" + k_target + "\"") != std::string::npos);
  CHECK(page.find(fmt::format("data-wave=\"1\" data-kiosks=\"{}\"", r.waves[0].kiosks)) !=
        std::string::npos);
  CHECK(page.find("class=\"wave red\" data-wave=\"1\"") != std::string::npos);
  CHECK(page.find(">pilot</bdi>") != std::string::npos);
  CHECK(page.find("id=\"halted\"") == std::string::npos);
  policy.halted = true;
  auto halted = rollout_progress({bundle_with(policy)}, fleet, k_now_s, RolloutRules{});
  context.language = Language::ar;
  std::string ar = render_rollouts(context, halted, true, "", 15);
  CHECK(ar.find("id=\"halted\"") != std::string::npos);
  CHECK(ar.find("dir=\"rtl\"") != std::string::npos);
  CHECK(render_rollouts(context, {}, true, "", 15).find("id=\"no-rollouts\"") != std::string::npos);
}
