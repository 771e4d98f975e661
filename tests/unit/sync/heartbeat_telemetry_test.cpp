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
