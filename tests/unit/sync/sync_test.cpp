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
  portal_protocol::Batch batch{"k", "a2V5", {}};
  for (int i = 0; i < 101; ++i) batch.items.push_back({i, "id", "{}", "c2ln"});
  auto decoded = portal_protocol::decode_batch(portal_protocol::encode_batch(batch));
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().code == Errc::invalid_argument);
}
