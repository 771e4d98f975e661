#include <doctest/doctest.h>

#include "kiosk/sync/backoff.hpp"
#include "kiosk/sync/portal_protocol.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("backoff doubles with jitter in [ceiling/2, ceiling], caps, and resets") {
  Backoff backoff(100ms, 1600ms, 42);
  std::int64_t ceiling = 100;
  for (int i = 0; i < 8; ++i) {
    auto delay = backoff.next_delay().count();
    CHECK(delay >= ceiling / 2);
    CHECK(delay <= ceiling);
    ceiling = std::min<std::int64_t>(ceiling * 2, 1600);
  }
  CHECK(backoff.failures() == 8);
  backoff.reset();
  CHECK(backoff.next_delay().count() <= 100);
  // Two kiosks with different seeds do not retry in lockstep.
  Backoff a(1000ms, 60'000ms, 1), b(1000ms, 60'000ms, 2);
  int same = 0;
  for (int i = 0; i < 6; ++i) same += a.next_delay() == b.next_delay() ? 1 : 0;
  CHECK(same < 6);
}

TEST_CASE("the portal protocol round-trips batches, results and heartbeats") {
  portal_protocol::Batch batch{
      "kiosk-7", "a2V5", {{1, "id-1", R"({"v":1})", "c2ln"}, {2, "id-2", "{}", "c2ln"}}};
  // The envelope is decoded strictly; each record's content is the portal's per-item check.
  auto decoded = portal_protocol::decode_batch(portal_protocol::encode_batch(batch));
  REQUIRE(decoded);
  CHECK(decoded->kiosk_id == "kiosk-7");
  REQUIRE(decoded->items.size() == 2);
  CHECK(decoded->items[0].record == R"({"v":1})");

  std::vector<UploadResult> results = {{"id-1", UploadOutcome::accepted, ""},
                                       {"id-2", UploadOutcome::rejected, "conflict"}};
  auto back = portal_protocol::decode_results(portal_protocol::encode_results(results));
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK((*back)[1].outcome == UploadOutcome::rejected);
  CHECK((*back)[1].reason == "conflict");
  CHECK_FALSE(portal_protocol::decode_results(R"({"results":[{"id":"x","result":"maybe"}]})"));
  CHECK_FALSE(portal_protocol::decode_results("not json"));

  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "3f0c7a52-0000-4000-8000-000000000000";
  h.queue_depth = 12;
  h.oldest_pending_age_s = 30;
  h.devices = {{"printer", "jam"}};
  auto hb = portal_protocol::decode_heartbeat(portal_protocol::encode_heartbeat(h));
  REQUIRE(hb);
  CHECK(hb->queue_depth == 12);
  CHECK(hb->oldest_pending_age_s == 30);
  CHECK_FALSE(hb->out_of_service);
  CHECK(hb->devices.front().second == "jam");
}

TEST_CASE("a batch of more than 100 is refused") {
  portal_protocol::Batch batch{"kiosk-7", "a2V5", {}};
  for (int i = 0; i < 101; ++i) batch.items.push_back({i, "id", "{}", "c2ln"});
  auto decoded = portal_protocol::decode_batch(portal_protocol::encode_batch(batch));
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().code == Errc::invalid_argument);
}

namespace {

std::string heartbeat_with(const std::string& key, const std::string& json_value) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "b";
  h.audit_head_hash = "00";
  auto text = portal_protocol::encode_heartbeat(h);
  // Replace the value of `key` (a top-level key) textually, to make bytes no encoder would.
  auto at = text.find("\"" + key + "\":");
  REQUIRE(at != std::string::npos);
  auto value_start = at + key.size() + 3;
  auto value_end = value_start;
  int depth = 0;
  bool in_string = false;
  for (; value_end < text.size(); ++value_end) {
    char c = text[value_end];
    if (in_string) {
      if (c == '\\')
        ++value_end;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) break;
  }
  return text.substr(0, value_start) + json_value + text.substr(value_end);
}

std::string refusal(const Expected<portal_protocol::Heartbeat>& h) {
  return h ? std::string("accepted") : h.error().message;
}

std::string batch_refusal(std::string_view json) {
  auto b = portal_protocol::decode_batch(json);
  return b ? std::string("accepted") : b.error().message;
}

}  // namespace

TEST_CASE("hostile heartbeats are refused with the JSON path and the reason") {
  using portal_protocol::decode_heartbeat;
  CHECK(refusal(decode_heartbeat(heartbeat_with("queue_depth", "3"))) == "accepted");
  struct Case {
    std::string body;
    std::string expected;
  };
  std::vector<Case> cases = {
      {heartbeat_with("queue_depth", "-1"), "$.queue_depth: must be 0 or more"},
      {heartbeat_with("quarantined", "-7"), "$.quarantined: must be 0 or more"},
      {heartbeat_with("uptime_s", "1.5"), "heartbeat: $.uptime_s: 1.5 is not an integer"},
      {heartbeat_with("last_sequence", "18446744073709551615"), "$.last_sequence: out of range"},
      {heartbeat_with("last_sequence", "\"12\""), "$.last_sequence: expected an integer"},
      {heartbeat_with("oldest_pending_age_s", "-30"), "$.oldest_pending_age_s: must be 0 or more"},
      {heartbeat_with("audit_head", R"({"seq":-1,"hash":"00"})"),
       "$.audit_head.seq: must be 0 or more"},
      {heartbeat_with("audit_head", R"({"seq":1,"hash":"00","x":1})"),
       "$.audit_head.x: unknown key"},
      {heartbeat_with("audit_head", R"({"seq":1,"hash":"zz"})"),
       "$.audit_head.hash: lowercase hex"},
      {heartbeat_with("kiosk_id", R"("../../etc/x';--")"), "$.kiosk_id is not a valid kiosk id"},
      {heartbeat_with("version", R"("4111 1111 1111 1111")"),
       "$.version: looks like a card number"},
      {heartbeat_with("out_of_service", R"("card 5500-0000-0000-0004")"),
       "$.out_of_service: looks like a card number"},
      {heartbeat_with("devices", R"({"printer":"4111111111111111"})"),
       "$.devices.printer: looks like a card number"},
      {heartbeat_with("devices", R"({"../x":"ok"})"), "$.devices: a device name is not"},
      {heartbeat_with("devices", R"({"printer":7})"), "$.devices.printer: expected a string"},
      {heartbeat_with("version", "\"" + std::string(129, 'v') + "\""), "$.version: 129 bytes"},
      {heartbeat_with("boot_id", R"("")"), "$.boot_id: 1 to 128 printable ASCII characters"},
      {heartbeat_with("boot_id", R"("a\u0000b")"), "heartbeat: $.boot_id: a string holds U+0000"},
      {heartbeat_with("version", R"("1.0","version":"2.0")"),
       "heartbeat: $.version: duplicate key \"version\""},
      {heartbeat_with("version", R"("1.0","surprise":true)"), "$.surprise: unknown key"},
      {heartbeat_with("devices", R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}})"),
       "heartbeat: $.devices.a.b.c.d.e.f.g: nesting deeper than 8 levels"},
      {R"({"kiosk_id":"kiosk-7"})", "$.version: missing"},
      {"[]", "heartbeat is not a JSON object"},
      {"{\"kiosk_id\":\"\xff\xfe\"}", "heartbeat: $.kiosk_id: not JSON"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body.substr(0, 300));
    CHECK(refusal(decode_heartbeat(c.body)).starts_with(c.expected));
  }
  std::string devices = "{";
  for (int i = 0; i < 65; ++i) devices += (i ? ",\"d" : "\"d") + std::to_string(i) + "\":\"ok\"";
  devices += "}";
  CHECK(refusal(decode_heartbeat(heartbeat_with("devices", devices))) ==
        "$.devices: 65 devices; at most 64");
}

TEST_CASE("hostile batch envelopes are refused with the JSON path and the reason") {
  const std::string item =
      R"({"id":"0190a0b1-5c2e-7000-8000-000000000001","record":"{}","signature":"c2ln"})";
  auto batch = [&](const std::string& kiosk, const std::string& items) {
    return R"({"kiosk_id":)" + kiosk + R"(,"device_key":"a2V5","transactions":)" + items + "}";
  };
  CHECK(batch_refusal(batch(R"("kiosk-7")", "[" + item + "]")) == "accepted");
  struct Case {
    std::string body;
    std::string expected;
  };
  std::vector<Case> cases = {
      {batch(R"("kiosk-7")", "[]"), "$.transactions: 0 transactions; a batch holds 1 to 100"},
      {batch(R"("../../etc/x';--")", "[" + item + "]"), "$.kiosk_id is not a valid kiosk id"},
      {batch("7", "[" + item + "]"), "$.kiosk_id: expected a string"},
      {batch(R"("kiosk-7")", "{}"), "$.transactions: expected an array"},
      {batch(R"("kiosk-7")", "[7]"), "$.transactions[0]: expected an object"},
      {batch(R"("kiosk-7")", R"([{"id":"x","record":"{}"}])"),
       "$.transactions[0].signature: missing"},
      {batch(R"("kiosk-7")", R"([{"id":"x","record":"{}","signature":"s","extra":1}])"),
       "$.transactions[0].extra: unknown key"},
      {batch(R"("kiosk-7")", R"([{"id":"x","record":"{}","signature":"s","id":"y"}])"),
       "batch: $.transactions[0].id: duplicate key \"id\""},
      {batch(R"("kiosk-7")", R"([{"id":"","record":"{}","signature":"s"}])"),
       "$.transactions[0].id: 0 bytes; 1 to 64 allowed"},
      {R"({"kiosk_id":"kiosk-7","kiosk_id":"kiosk-8","device_key":"a2V5","transactions":[]})",
       "batch: $.kiosk_id: duplicate key \"kiosk_id\""},
      {R"({"kiosk_id":"kiosk-7","device_key":"a2V5","transactions":[],"more":1})",
       "$.transactions: 0 transactions"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    CHECK(batch_refusal(c.body).starts_with(c.expected));
  }
}

TEST_CASE("a refusal's reason is the portal's error text, printable and bounded") {
  using portal_protocol::refusal_reason;
  CHECK(refusal_reason(R"({"error":"heartbeat names another kiosk"})") ==
        "heartbeat names another kiosk");
  CHECK(refusal_reason("") == "no reason given");
  CHECK(refusal_reason("<html>Bad Gateway</html>") == "<html>Bad Gateway</html>");
  // A hostile portal cannot put control characters or quotes into a log line, nor fill it.
  CHECK(refusal_reason("{\"error\":\"a\\nb\\\"c\"}") == "a\\x0ab\\x22c");
  CHECK(refusal_reason(R"({"error":")" + std::string(5000, 'x') + "\"}").size() <= 203);
  CHECK(refusal_reason(R"({"error": 7})") == R"({\x22error\x22: 7})");
}
