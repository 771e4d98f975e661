// Heartbeat version 2 (fleet telemetry): encoded and read back whole, version 1 still read, and
// every new field held to the same strict reading as the rest.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "kiosk/sync/portal_protocol.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::portal_protocol;

Heartbeat version_1() {
  Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  h.uptime_s = 3600;
  h.audit_head_hash = std::string(64, 'a');
  h.devices = {{"printer", "paper_low"}};
  return h;
}

Heartbeat version_2() {
  Heartbeat h = version_1();
  FleetTelemetry t;
  t.sent_ms = 1'795'000'000'123;
  t.restart_cause = "unclean stop";
  t.free_disk_bytes = 12'345'678'901;
  t.services.generation = 42;
  t.services.bundles = {{"jordan.health.appointment", "1.2.0"},
                        {"muscat.municipality.fees", "3.0.1"}};
  h.telemetry = t;
  return h;
}

std::string with(const Heartbeat& h, const std::function<void(nlohmann::json&)>& change) {
  auto json = nlohmann::json::parse(encode_heartbeat(h));
  change(json);
  return json.dump();
}

TEST_CASE("a version 2 heartbeat reads back whole, and a version 1 heartbeat still reads") {
  auto decoded = decode_heartbeat(encode_heartbeat(version_2()));
  REQUIRE_MESSAGE(decoded, (decoded ? "" : decoded.error().describe()));
  REQUIRE(decoded->telemetry);
  const auto& t = *decoded->telemetry;
  CHECK(t.sent_ms == 1'795'000'000'123);
  CHECK(t.restart_cause == "unclean stop");
  CHECK(t.free_disk_bytes == 12'345'678'901);
  CHECK(t.services.generation == 42);
  REQUIRE(t.services.bundles.size() == 2);
  CHECK(t.services.bundles[1].id == "muscat.municipality.fees");
  CHECK(t.services.bundles[1].version == "3.0.1");
  CHECK(nlohmann::json::parse(encode_heartbeat(version_2()))["v"] == 2);

  auto old = decode_heartbeat(encode_heartbeat(version_1()));
  REQUIRE(old);
  CHECK_FALSE(old->telemetry);
  CHECK_FALSE(nlohmann::json::parse(encode_heartbeat(version_1())).contains("v"));
}

TEST_CASE("version 2's fields are read as strictly as the rest") {
  Heartbeat h = version_2();
  auto refused = [](const std::string& body) {
    auto decoded = decode_heartbeat(body);
    return decoded ? std::string("accepted") : decoded.error().message;
  };
  CHECK(refused(with(h, [](auto& j) { j["v"] = 3; })).find("$.v: heartbeat version 3") !=
        std::string::npos);
  CHECK(refused(with(h, [](auto& j) { j.erase("restart_cause"); })) == "$.restart_cause: missing");
  CHECK(refused(with(h, [](auto& j) { j["free_disk_bytes"] = -1; })) ==
        "$.free_disk_bytes: must be 0 or more");
  CHECK(refused(with(h, [](auto& j) { j["services"]["extra"] = 1; })) ==
        "$.services.extra: unknown key");
  CHECK(refused(with(h, [](auto& j) { j["services"]["bundles"][0]["id"] = ""; })) ==
        "$.services.bundles[0].id: 0 bytes; 1 to 128 allowed");
  CHECK(refused(with(h, [](auto& j) { j["services"]["bundles"] = nlohmann::json::array(); })) ==
        "accepted");
  CHECK(refused(with(h, [](auto& j) {
          auto many = nlohmann::json::array();
          for (std::size_t i = 0; i <= k_max_heartbeat_bundles; ++i)
            many.push_back({{"id", "a"}, {"version", "1"}});
          j["services"]["bundles"] = many;
        })).find("at most 256") != std::string::npos);
  // A card number never rides in on a bundle's version or the restart cause.
  CHECK(refused(with(h, [](auto& j) { j["restart_cause"] = "4111 1111 1111 1111"; })) ==
        "$.restart_cause: looks like a card number");
  // Version 2's keys without "v" are unknown keys of version 1.
  CHECK(refused(with(h, [](auto& j) { j.erase("v"); })).find("unknown key") != std::string::npos);
}

}  // namespace

TEST_CASE("the rollout states ride in services.rollout, optional and strictly read") {
  Heartbeat h = version_2();
  h.telemetry->services.rollout = {
      {"services/health/clinic.json", "installed", std::nullopt, ""},
      {"services/health/dental.json", "waiting", 1'796'000'000, ""},
      {"services/post/parcel.json", "not_in_groups", std::nullopt, ""},
      {"services/post/fees.json", "refused", std::nullopt, "rollout.waves: must be an array"}};
  auto decoded = decode_heartbeat(encode_heartbeat(h));
  REQUIRE_MESSAGE(decoded, (decoded ? "" : decoded.error().describe()));
  const auto& rollout = decoded->telemetry->services.rollout;
  REQUIRE(rollout.size() == 4);
  CHECK(rollout[0].state == "installed");
  CHECK_FALSE(rollout[0].opens_s);
  CHECK(rollout[1].opens_s == 1'796'000'000);
  CHECK(rollout[2].target == "services/post/parcel.json");
  CHECK(rollout[3].reason == "rollout.waves: must be an array");

  // A version 2 heartbeat without the list (every kiosk before staged rollouts) still reads,
  // and sends none.
  auto plain = encode_heartbeat(version_2());
  CHECK_FALSE(nlohmann::json::parse(plain)["services"].contains("rollout"));
  auto without = decode_heartbeat(plain);
  REQUIRE(without);
  CHECK(without->telemetry->services.rollout.empty());

  auto refused = [&](const std::function<void(nlohmann::json&)>& change) {
    auto result = decode_heartbeat(with(h, change));
    return result ? std::string("accepted") : result.error().message;
  };
  CHECK(refused([](auto& j) {
          j["services"]["rollout"][0]["state"] = "sideways";
        }).find("is not a rollout state") != std::string::npos);
  CHECK(refused([](auto& j) {
          j["services"]["rollout"][0]["opens_s"] = 5;
        }).find("only a waiting bundle") != std::string::npos);
  CHECK(refused([](auto& j) { j["services"]["rollout"][1]["opens_s"] = -1; }) != "accepted");
  CHECK(refused([](auto& j) {
          j["services"]["rollout"][0]["reason"] = "x";
        }).find("only a refused bundle") != std::string::npos);
  CHECK(refused([](auto& j) { j["services"]["rollout"][2]["extra"] = 1; }).find("unknown key") !=
        std::string::npos);
  CHECK(refused([](auto& j) {
          j["services"]["rollout"] = "installed";
        }).find("expected an array") != std::string::npos);
  CHECK(refused([](auto& j) { j["services"]["rollout"][0].erase("target"); }).find("missing") !=
        std::string::npos);
}
