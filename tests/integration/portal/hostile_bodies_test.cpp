// Hostile request bodies against the real portal over mutual TLS: each is refused with the
// status and the error it deserves (the JSON path and the reason), and nothing of them is
// stored; records are checked item by item as strictly as the kiosk checks its own.
#include <doctest/doctest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/integration/portal/signed_records.hpp"
#include "tests/integration/store/store_fixture.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

std::string heartbeat(const std::function<void(portal_protocol::Heartbeat&)>& change = {}) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  h.audit_head_hash = std::string(64, '0');
  if (change) change(h);
  return portal_protocol::encode_heartbeat(h);
}

// Replaces the first `from` in `text` by `to`: bytes no encoder would make.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const HttpResponse& response) {
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  return json.is_object() && json.contains("error") && json["error"].is_string()
             ? json["error"].get<std::string>()
             : response.body;
}

}  // namespace

TEST_CASE("hostile heartbeats and batches are refused with the specific error; none is stored") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto client = portal.kiosk_client();
  const std::string valid = heartbeat();
  std::string huge_devices = "{";
  for (int i = 0; i < 200'000; ++i)
    huge_devices += (i ? ",\"d" : "\"d") + std::to_string(i) + "\":\"ok\"";
  huge_devices += "}";
  auto item = signed_item(kiosk.key(), free_health_record(1));
  std::string items_101;
  for (int i = 0; i < 101; ++i) {
    items_101 += (i ? "," : "") + std::string(R"({"id":"x","record":"{}","signature":"s"})");
  }
  struct Case {
    const char* name;
    std::string_view path;
    std::string body;
    long status;
    std::string error;
  };
  const auto heartbeat_path = portal_protocol::k_heartbeat_path;
  const auto batch_path = portal_protocol::k_transactions_path;
  std::vector<Case> cases = {
      {"negative queue depth", heartbeat_path, heartbeat([](auto& h) { h.queue_depth = -1; }), 400,
       "$.queue_depth: must be 0 or more"},
      {"negative quarantine count", heartbeat_path, heartbeat([](auto& h) { h.quarantined = -3; }),
       400, "$.quarantined: must be 0 or more"},
      {"negative audit head", heartbeat_path, heartbeat([](auto& h) { h.audit_head_seq = -1; }),
       400, "$.audit_head.seq: must be 0 or more"},
      {"a counter past int64", heartbeat_path,
       edited(valid, "\"queue_depth\":0", "\"queue_depth\":9223372036854775808"), 400,
       "$.queue_depth: out of range"},
      {"a fractional counter", heartbeat_path,
       edited(valid, "\"queue_depth\":0", "\"queue_depth\":0.5"), 400,
       "heartbeat: $.queue_depth: 0.5 is not an integer"},
      {"a card number as a device status", heartbeat_path, heartbeat([](auto& h) {
         h.devices = {{"printer", "4111 1111 1111 1111"}};
       }),
       400, "$.devices.printer: looks like a card number"},
      {"a card number as the version", heartbeat_path,
       heartbeat([](auto& h) { h.version = "5500000000000004"; }), 400,
       "$.version: looks like a card number"},
      {"a duplicate key", heartbeat_path,
       edited(valid, "\"queue_depth\":0", "\"queue_depth\":0,\"queue_depth\":-5"), 400,
       "heartbeat: $.queue_depth: duplicate key \"queue_depth\""},
      {"an unknown key", heartbeat_path,
       edited(valid, "\"queue_depth\":0", "\"queue_depth\":0,\"pan\":\"x\""), 400,
       "$.pan: unknown key"},
      {"a hostile kiosk id", heartbeat_path,
       heartbeat([](auto& h) { h.kiosk_id = "../../etc/x';--"; }), 400,
       "$.kiosk_id is not a valid kiosk id"},
      {"another kiosk's heartbeat", heartbeat_path,
       heartbeat([](auto& h) { h.kiosk_id = "kiosk-8"; }), 403, "heartbeat names another kiosk"},
      {"a multi-megabyte heartbeat", heartbeat_path,
       edited(valid, "\"devices\":{}", "\"devices\":" + huge_devices), 413,
       "the body of /api/v1/heartbeat may be at most 65536 bytes"},
      {"a heartbeat that is not JSON", heartbeat_path, "{\"kiosk_id\":", 400,
       "heartbeat: $.kiosk_id: not JSON"},
      {"an empty batch", batch_path, batch_json(kiosk.key(), {}), 400,
       "$.transactions: 0 transactions; a batch holds 1 to 100"},
      {"a batch of 101", batch_path,
       R"({"kiosk_id":"kiosk-7","device_key":"a2V5","transactions":[)" + items_101 + "]}", 400,
       "$.transactions: 101 transactions; a batch holds 1 to 100"},
      {"a batch for a hostile kiosk id", batch_path,
       batch_json(kiosk.key(), {item}, "../../etc/x';--"), 400,
       "$.kiosk_id is not a valid kiosk id"},
      {"a batch with a duplicate key", batch_path,
       edited(batch_json(kiosk.key(), {item}), "\"kiosk_id\":\"kiosk-7\"",
              "\"kiosk_id\":\"kiosk-7\",\"kiosk_id\":\"kiosk-8\""),
       400, "batch: $.kiosk_id: duplicate key \"kiosk_id\""},
      {"a batch item without a signature", batch_path,
       edited(batch_json(kiosk.key(), {item}), ",\"signature\":", ",\"not_a_signature\":"), 400,
       "$.transactions[0].signature: missing"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto response =
        client->post_json(portal.url() + std::string(c.path), c.body, std::chrono::seconds(20));
    REQUIRE_MESSAGE(response, (response ? "" : response.error().describe()));
    CHECK(response->status == c.status);
    CHECK_MESSAGE(error_of(*response).starts_with(c.error), error_of(*response));
  }
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 0);
  CHECK(portal.stored_transactions() == 0);
  CHECK(portal.query_int("SELECT count(*) FROM kiosks") == 0);  // no batch pinned a key
  // The portal is still there for the real kiosk.
  auto fine = client->post_json(portal.url() + std::string(heartbeat_path), valid,
                                std::chrono::seconds(10));
  REQUIRE(fine);
  CHECK(fine->status == 204);
}

TEST_CASE("records are checked item by item as strictly as the kiosk checks its own") {
  PortalFixture portal;
  StoreFixture kiosk;
  struct Case {
    const char* name;
    std::function<void(TransactionRecord&)> change;
    std::string outcome;  // "accepted", or the reason for the rejection
  };
  std::vector<Case> cases = {
      {"the demo's free service (no payment)", [](auto&) {}, "accepted"},
      {"a paid service",
       [](auto& r) {
         r.amount = {2500, "JOD"};
         r.payment_reference = "APPROVAL-7";
       },
       "accepted"},
      {"a card number in a field",
       [](auto& r) { r.fields.emplace_back("note", "4111-1111-1111-1111"); },
       "field note looks like a card number; it is never stored"},
      {"a card number as the payment reference",
       [](auto& r) {
         r.amount = {2500, "JOD"};
         r.payment_reference = "4111111111111111";
       },
       "payment reference looks like a card number; it is never stored"},
      {"sequence 0", [](auto& r) { r.sequence = 0; }, "sequence must be 1 or more"},
      {"a negative sequence", [](auto& r) { r.sequence = -9; }, "sequence must be 1 or more"},
      {"a negative amount",
       [](auto& r) {
         r.amount = {-2500, "JOD"};
       },
       "an amount cannot be negative"},
      {"an amount without a currency",
       [](auto& r) {
         r.amount = {2500, ""};
       },
       "an amount without a currency must be zero (no payment: a free service)"},
      {"no payment with a payment reference", [](auto& r) { r.payment_reference = "APPROVAL-1"; },
       "no payment (a free service) has no payment reference"},
      {"another kiosk's record", [](auto& r) { r.kiosk_id = "kiosk-8"; },
       "record belongs to another kiosk"},
      {"a hostile kiosk id in the record", [](auto& r) { r.kiosk_id = "../../etc/x';--"; },
       "the record's kiosk_id is not a valid kiosk id"},
  };
  std::vector<OutboxItem> items;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto record = free_health_record(static_cast<std::int64_t>(100 + i));
    cases[i].change(record);
    items.push_back(signed_item(kiosk.key(), record));
  }
  // A record whose signature does not cover it, and one that is not canonical JSON.
  auto tampered = signed_item(kiosk.key(), free_health_record(200));
  tampered.record = edited(tampered.record, "\"general\"", "\"cardiology\"");
  items.push_back(tampered);
  auto spaced = signed_item(kiosk.key(), free_health_record(201));
  spaced.record.insert(1, " ");
  items.push_back(spaced);

  auto response = portal.kiosk_client()->post_json(
      portal.url() + std::string(portal_protocol::k_transactions_path),
      batch_json(kiosk.key(), items), std::chrono::seconds(20));
  REQUIRE(response);
  CHECK(response->status == 422);
  auto results = portal_protocol::decode_results(response->body);
  REQUIRE(results);
  REQUIRE(results->size() == items.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    const auto& result = (*results)[i];
    CHECK(result.id == items[i].id);
    if (cases[i].outcome == "accepted") {
      CHECK(result.outcome == UploadOutcome::accepted);
    } else {
      CHECK(result.outcome == UploadOutcome::rejected);
      CHECK(result.reason.starts_with(cases[i].outcome));
    }
  }
  CHECK((*results)[cases.size()].reason == "device signature does not verify");
  CHECK((*results)[cases.size() + 1].reason.starts_with(
      "malformed record: record is not in canonical form"));
  CHECK(portal.stored_transactions() == 2);
  CHECK(portal.query_int("SELECT count(*) FROM transactions WHERE record LIKE '%4111%'") == 0);
  CHECK(
      portal.query_int(
          "SELECT count(*) FROM transactions WHERE json_extract(record, '$.amount.currency') = '' "
          "AND json_extract(record, '$.amount.minor_units') = 0") == 1);
}

TEST_CASE("a kiosk sequence number names one transaction for good") {
  PortalFixture portal;
  StoreFixture kiosk;
  auto client = portal.kiosk_client();
  auto url = portal.url() + std::string(portal_protocol::k_transactions_path);
  auto first = client->post_json(
      url, batch_json(kiosk.key(), {signed_item(kiosk.key(), free_health_record(5))}),
      std::chrono::seconds(10));
  REQUIRE(first);
  CHECK(first->status == 200);
  // A kiosk that lost its journal starts again at 5 with another transaction.
  auto again = client->post_json(
      url, batch_json(kiosk.key(), {signed_item(kiosk.key(), free_health_record(5))}),
      std::chrono::seconds(10));
  REQUIRE(again);
  CHECK(again->status == 422);
  auto results = portal_protocol::decode_results(again->body);
  REQUIRE(results);
  REQUIRE(results->size() == 1);
  CHECK(results->front().reason ==
        "conflict: sequence 5 of this kiosk was stored with another transaction");
  CHECK(portal.stored_transactions() == 1);
}
