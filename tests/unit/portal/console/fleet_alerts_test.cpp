// The console's alerts from kiosks' heartbeats, and the published service set they are compared
// with, read from a TUF tree laid out as `shubbakctl repo publish` lays it out.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "provisioning/portal/console/fleet_alerts.hpp"
#include "provisioning/portal/console/published_services.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::portal;
using namespace shubbak::portal::console;
using shubbak::testing::TempDir;

namespace {

constexpr std::int64_t k_now = 1'800'000'000'000;

portal_protocol::Heartbeat heartbeat(std::string id) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = std::move(id);
  h.version = "1.4.0";
  h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  h.audit_head_hash = std::string(64, '0');
  h.devices = {{"printer", "online"}};
  portal_protocol::FleetTelemetry telemetry;
  telemetry.sent_ms = k_now;
  telemetry.restart_cause = "clean stop";
  telemetry.services.generation = 2;
  telemetry.services.bundles = {{"health.clinic", "1.10.0"}, {"fees", "2.0.0"}};
  h.telemetry = telemetry;
  return h;
}

struct Fleet {
  std::vector<KioskSnapshot> snapshots;
  // `h` as it arrived `age_ms` ago, sent then by the kiosk's clock (plus any skew it has).
  void add(portal_protocol::Heartbeat h, std::int64_t age_ms, std::int64_t rises = 0) {
    if (h.telemetry) h.telemetry->sent_ms -= age_ms;
    snapshots.push_back(
        {h.kiosk_id, k_now - age_ms, portal_protocol::encode_heartbeat(h), {}, rises});
  }
  std::vector<Alert> alerts(const std::vector<PublishedBundle>& published) const {
    std::vector<KioskHealth> kiosks;
    for (const auto& s : snapshots) kiosks.push_back(assess(s, k_now, HealthRules{}));
    return fleet_alerts(snapshots, kiosks, published, k_now, AlertRules{});
  }
};

std::string summary(const std::vector<Alert>& alerts) {
  std::string text;
  for (const auto& a : alerts)
    text += fmt::format("{} {} {}\n", alert_kind_name(a.kind), a.kiosk_id, a.detail);
  return text;
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("each problem raises its own alert, and a well kiosk none") {
  const std::vector<PublishedBundle> published = {
      {"services/fees.json", "fees", "2.0.0", {}},
      {"services/health/clinic.json", "health.clinic", "1.10.0", {}}};
  Fleet fleet;
  fleet.add(heartbeat("k-well"), 1000);
  fleet.add(heartbeat("k-dark"), 5 * 60 * 1000 + 1);
  fleet.snapshots.push_back({"k-never", std::nullopt, "", {}, 0});
  auto paper = heartbeat("k-paper");
  paper.devices = {
      {"printer", "media-low"}, {"receipt_printer", "jam"}, {"printer.last_failure", "jam"}};
  fleet.add(paper, 0);
  auto fine_device = heartbeat("k-reader");
  fine_device.devices = {
      {"card_reader", "timeout"}};  // not paper: amber on the board, no alert here
  fleet.add(fine_device, 0);
  fleet.add(heartbeat("k-queue"), 0, 3);
  fleet.add(heartbeat("k-queue-2"), 0, 2);  // two rises are not yet "keeps growing"
  auto quarantined = heartbeat("k-quarantine");
  quarantined.quarantined = 4;
  fleet.add(quarantined, 0);
  auto ahead = heartbeat("k-ahead");
  ahead.telemetry->sent_ms = k_now + 121'000;
  fleet.add(ahead, 0);
  auto behind_clock = heartbeat("k-late");
  behind_clock.telemetry->sent_ms = k_now - 120'000;  // exactly the threshold: no alert
  fleet.add(behind_clock, 0);
  auto old = heartbeat("k-old");
  old.telemetry->services.bundles = {{"health.clinic", "1.9.9"}};
  fleet.add(old, 0);
  // Held back by its signed rollout (its wave not open yet): not behind.
  auto held = heartbeat("k-held");
  held.telemetry->services.bundles = {{"health.clinic", "1.9.9"}, {"fees", "2.0.0"}};
  held.telemetry->services.rollout = {
      {"services/health/clinic.json", "waiting", 1'900'000'000, ""}};
  fleet.add(held, 0);

  CHECK(summary(fleet.alerts(published)) ==
        "offline k-dark 300 s\n"
        "offline k-never never\n"
        "paper k-paper printer: media-low\n"
        "paper k-paper receipt_printer: jam\n"
        "queue_growing k-queue 0\n"
        "quarantined k-quarantine 4\n"
        "clock_skew k-ahead +121 s\n"
        "services_behind k-old fees — < 2.0.0, health.clinic 1.9.9 < 1.10.0\n");
  // Without a published set, services are not compared.
  CHECK(summary(fleet.alerts({})).find("services_behind") == std::string::npos);
  CHECK(summary(fleet.alerts(published)).find("k-held") == std::string::npos);
}

TEST_CASE("versions compare as numbers part by part, else as text") {
  CHECK(version_older("1.9.2", "1.10.0"));
  CHECK_FALSE(version_older("1.10.0", "1.9.2"));
  CHECK_FALSE(version_older("2.0.0", "2.0.0"));
  CHECK(version_older("2.0", "2.0.1"));
  CHECK(version_older("1.0.0-beta", "1.0.0-rc"));
  CHECK(parse_alert_kind("clock_skew") == AlertKind::clock_skew);
  CHECK_FALSE(parse_alert_kind("nonsense"));
}

TEST_CASE("the published services are read from the targets role and its delegations") {
  TempDir dir;
  auto root = dir.path();
  write(root / "metadata/targets.json",
        R"({"signed":{"_type":"targets","version":3,"targets":{
              "services/health/clinic.json":{"length":1,"hashes":{"sha256":"00"}},
              "card-profiles/x.json":{"length":1,"hashes":{"sha256":"00"}},
              "../escape.json":{"length":1,"hashes":{"sha256":"00"}}},
            "delegations":{"keys":{},"roles":[{"name":"services/fees"},{"name":"unsigned"}]}},
            "signatures":[]})");
  write(
      root / "metadata/services%2Ffees.json",
      R"({"signed":{"targets":{"services/fees/muscat.json":{"custom":{"rollout":{"halted":true}}}}},"signatures":[]})");
  write(root / "targets/services/health/clinic.json",
        R"({"id":"health.clinic","version":"1.10.0"})");
  write(root / "targets/card-profiles/x.json", R"({"atr":"3B"})");
  write(root / "targets/services/fees/muscat.json", R"({"id":"fees","version":"2.0.0"})");
  write(root / "escape.json", R"({"id":"escaped","version":"9"})");
  auto bundles = read_published_bundles(root);
  REQUIRE(bundles);
  REQUIRE(bundles->size() == 2);
  CHECK(bundles->at(0).target == "services/fees/muscat.json");
  CHECK(bundles->at(0).custom == nlohmann::json{{"rollout", {{"halted", true}}}});
  CHECK(bundles->at(1).target == "services/health/clinic.json");
  CHECK(bundles->at(1).custom.is_null());
  CHECK(published_services(*bundles) ==
        std::map<std::string, std::string>{{"fees", "2.0.0"}, {"health.clinic", "1.10.0"}});

  write(root / "metadata/targets.json", "{not json");
  auto broken = read_published_bundles(root);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == Errc::parse);
  // A custom field nested a million deep (a hostile tree) is refused, not recursed into.
  write(root / "metadata/targets.json", R"({"signed":{"targets":{"a.json":{"custom":)" +
                                            std::string(1'000'000, '[') +
                                            std::string(1'000'000, ']') + "}}}}");
  auto deep = read_published_bundles(root);
  REQUIRE_FALSE(deep);
  CHECK(deep.error().code == Errc::parse);
  auto missing = read_published_bundles(root / "nowhere");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::not_found);
}
