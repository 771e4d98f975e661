// Both storage backends of the portal, on real databases: a SQLite file and a private
// PostgreSQL server. The same script of batches must give the same outcomes on both; on
// PostgreSQL, several store instances (as several portal processes) ingest at once and every
// transaction is stored exactly once.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/store/sqlite.hpp"
#include "provisioning/portal/portal_store.hpp"
#include "provisioning/portal/postgres.hpp"
#include "provisioning/portal/postgres_portal_store.hpp"
#include "tests/integration/portal/signed_records.hpp"
#include "tests/integration/portal/store_backends.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using portal::PortalStore;
namespace fs = std::filesystem;

std::string outcomes(const std::vector<UploadResult>& results) {
  std::string text;
  for (const auto& result : results) {
    text += result.outcome == UploadOutcome::accepted    ? "accepted"
            : result.outcome == UploadOutcome::duplicate ? "duplicate"
                                                         : "rejected(" + result.reason + ")";
    text += "; ";
  }
  return text;
}

TEST_CASE("both backends judge the same batches the same way") {
  Backends backends;
  auto key = make_key(backends.dir, "kiosk-7");
  auto other_key = make_key(backends.dir, "other");
  auto r1 = free_health_record(1);
  auto r2 = free_health_record(2);
  auto r3 = free_health_record(3);
  auto same_sequence = free_health_record(2);  // another id under sequence 2
  auto changed = r1;
  changed.fields = {{"clinic", "dental"}, {"national_id", "9861031236"}};
  auto foreign = free_health_record(9, "kiosk-8");
  auto bad_signature = signed_item(*key, r3);
  bad_signature.signature = signed_item(*other_key, r3).signature;
  auto not_uuid = signed_item(*key, free_health_record(10));
  not_uuid.id = "not-a-uuid";

  // Each step: a batch, and the outcomes both backends must give.
  struct Step {
    portal_protocol::Batch batch;
    std::string client = "kiosk-7";
    std::string expected;
  };
  std::vector<Step> script = {
      {batch_of(*key, {signed_item(*key, r1), signed_item(*key, r2), signed_item(*key, r1)}),
       "kiosk-7", "accepted; accepted; duplicate; "},
      {batch_of(*key, {signed_item(*key, r2)}), "kiosk-7", "duplicate; "},
      {batch_of(*key, {signed_item(*key, changed)}), "kiosk-7",
       "rejected(conflict: this id was stored with another record); "},
      {batch_of(*key, {signed_item(*key, same_sequence)}), "kiosk-7",
       "rejected(conflict: sequence 2 of this kiosk was stored with another transaction); "},
      {batch_of(*key, {bad_signature, not_uuid}), "kiosk-7",
       "rejected(device signature does not verify); rejected(id is not a UUIDv7); "},
      {batch_of(*key, {signed_item(*key, foreign)}), "kiosk-7",
       "rejected(record belongs to another kiosk); "},
      {batch_of(*other_key, {signed_item(*other_key, r3)}), "kiosk-7",
       "rejected(device key differs from the key this kiosk enrolled with); "},
      {batch_of(*key, {signed_item(*key, r3)}), "kiosk-8",
       "rejected(batch names kiosk \"kiosk-7\" but the client certificate is \"kiosk-8\"); "},
      {batch_of(*key, {signed_item(*key, r3)}), "kiosk-7", "accepted; "},
  };
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    for (std::size_t i = 0; i < script.size(); ++i) {
      CAPTURE(i);
      auto results = store->ingest(script[i].client, script[i].batch);
      REQUIRE_MESSAGE(results, (results ? "" : results.error().describe()));
      CHECK(outcomes(*results) == script[i].expected);
    }
    auto count = store->transaction_count();
    REQUIRE(count);
    CHECK(*count == 3);
  }
}

TEST_CASE("a kiosk's first key is pinned only by a batch that stores something") {
  Backends backends;
  auto key = make_key(backends.dir, "kiosk-7");
  auto other_key = make_key(backends.dir, "other");
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    auto empty = store->ingest("kiosk-7", batch_of(*other_key, {}));
    REQUIRE(empty);
    auto refused = signed_item(*other_key, free_health_record(1));
    refused.signature = signed_item(*key, free_health_record(1)).signature;
    auto wholly_refused = store->ingest("kiosk-7", batch_of(*other_key, {refused}));
    REQUIRE(wholly_refused);
    CHECK(wholly_refused->at(0).outcome == UploadOutcome::rejected);
    // Neither pinned the other key: the real key still stores.
    auto stored =
        store->ingest("kiosk-7", batch_of(*key, {signed_item(*key, free_health_record(2))}));
    REQUIRE(stored);
    CHECK(outcomes(*stored) == "accepted; ");
    auto after = store->ingest(
        "kiosk-7", batch_of(*other_key, {signed_item(*other_key, free_health_record(3))}));
    REQUIRE(after);
    CHECK(after->at(0).reason == "device key differs from the key this kiosk enrolled with");
  }
}

TEST_CASE("heartbeats: the latest per kiosk, and a bounded history, newest first") {
  Backends backends;
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    for (int i = 0; i < portal::k_heartbeat_history + 20; ++i) {
      portal_protocol::Heartbeat beat;
      beat.kiosk_id = "kiosk-7";
      beat.version = "1.2.3";
      beat.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
      beat.uptime_s = i;
      beat.audit_head_hash = std::string(64, '0');
      REQUIRE(store->record_heartbeat("kiosk-7", {}, beat));
    }
    portal_protocol::Heartbeat other;
    other.kiosk_id = "kiosk-9";
    other.version = "1.2.2";
    other.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
    other.audit_head_hash = std::string(64, '0');
    REQUIRE(store->record_heartbeat("kiosk-9", {"site:muscat-ruwi"}, other));

    auto history = store->heartbeat_history("kiosk-7", 1000);
    REQUIRE(history);
    REQUIRE(history->size() == static_cast<std::size_t>(portal::k_heartbeat_history));
    auto newest = portal_protocol::decode_heartbeat(history->front().heartbeat);
    auto oldest = portal_protocol::decode_heartbeat(history->back().heartbeat);
    REQUIRE(newest);
    REQUIRE(oldest);
    CHECK(newest->uptime_s == portal::k_heartbeat_history + 19);
    CHECK(oldest->uptime_s == 20);

    auto kiosks = store->kiosks();
    REQUIRE(kiosks);
    REQUIRE(kiosks->size() == 2);
    CHECK(kiosks->at(0).kiosk_id == "kiosk-7");
    auto latest = portal_protocol::decode_heartbeat(kiosks->at(0).heartbeat);
    REQUIRE(latest);
    CHECK(latest->uptime_s == portal::k_heartbeat_history + 19);
    CHECK(kiosks->at(1).kiosk_id == "kiosk-9");
    CHECK(kiosks->at(1).groups == std::vector<std::string>{"site:muscat-ruwi"});
  }
}

TEST_CASE(
    "a kiosk's groups: from its enrolment token, then from the certificate it heartbeats with") {
  Backends backends;
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    auto token = store->issue_enrolment_token("kiosk-50", std::chrono::hours(1),
                                              {"site:riyadh-olaya", "region:riyadh", "pilot"});
    REQUIRE(token);
    std::vector<std::string> bound;
    auto chain = store->enrol(*token, "kiosk-50", "KEY", [&](const std::vector<std::string>& g) {
      bound = g;
      return Expected<std::string>("CHAIN");
    });
    REQUIRE(chain);
    // The issuer is given the token's groups, to bind them in the certificate.
    CHECK(bound == std::vector<std::string>{"site:riyadh-olaya", "region:riyadh", "pilot"});
    auto kiosks = store->kiosks();
    REQUIRE(kiosks);
    REQUIRE(kiosks->size() == 1);
    CHECK(kiosks->at(0).groups == bound);

    // A heartbeat brings the groups its certificate carries (a newer certificate's).
    portal_protocol::Heartbeat beat;
    beat.kiosk_id = "kiosk-50";
    beat.version = "1.0.0";
    beat.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
    beat.audit_head_hash = std::string(64, '0');
    REQUIRE(store->record_heartbeat("kiosk-50", {"site:jeddah-corniche"}, beat));
    kiosks = store->kiosks();
    REQUIRE(kiosks);
    CHECK(kiosks->at(0).groups == std::vector<std::string>{"site:jeddah-corniche"});

    // Group names follow one rule; a bad one refuses the token, naming it.
    auto bad = store->issue_enrolment_token("kiosk-51", std::chrono::hours(1), {"Pilot"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Errc::invalid_argument);
    CHECK(bad.error().message.find("\"Pilot\"") != std::string::npos);
    CHECK_FALSE(store->issue_enrolment_token("kiosk-51", std::chrono::hours(1), {"a", "a"}));
    CHECK_FALSE(store->issue_enrolment_token("kiosk-51", std::chrono::hours(1), {"a b"}));
    CHECK_FALSE(store->issue_enrolment_token("kiosk-51", std::chrono::hours(1), {""}));
    std::vector<std::string> too_many;
    for (int i = 0; i < 17; ++i) too_many.push_back("g" + std::to_string(i));
    CHECK_FALSE(store->issue_enrolment_token("kiosk-51", std::chrono::hours(1), too_many));
  }
}

TEST_CASE("a queue that deepens at each heartbeat is counted, and a shallower one resets it") {
  Backends backends;
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    portal_protocol::Heartbeat beat;
    beat.kiosk_id = "kiosk-60";
    beat.version = "1.0.0";
    beat.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
    beat.audit_head_hash = std::string(64, '0');
    auto rises_after = [&](std::int64_t depth) {
      beat.queue_depth = depth;
      REQUIRE(store->record_heartbeat("kiosk-60", {}, beat));
      auto kiosks = store->kiosks();
      REQUIRE(kiosks);
      return kiosks->at(0).queue_rises;
    };
    CHECK(rises_after(0) == 0);
    CHECK(rises_after(2) == 1);
    CHECK(rises_after(5) == 2);
    CHECK(rises_after(5) == 2);  // unchanged: neither counts nor resets
    CHECK(rises_after(9) == 3);
    CHECK(rises_after(4) == 0);
    CHECK(rises_after(6) == 1);
  }
}

TEST_CASE("enrolment tokens are listed newest first and an unused one can be revoked") {
  Backends backends;
  auto certificate = [](const std::vector<std::string>&) { return Expected<std::string>("CHAIN"); };
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    auto first = store->issue_enrolment_token("kiosk-70", std::chrono::hours(1), {"pilot"});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto second = store->issue_enrolment_token("kiosk-71", std::chrono::hours(1), {});
    REQUIRE(first);
    REQUIRE(second);
    auto tokens = store->enrolment_tokens(10);
    REQUIRE(tokens);
    REQUIRE(tokens->size() == 2);
    CHECK(tokens->at(0).kiosk_id == "kiosk-71");
    CHECK(tokens->at(1).kiosk_id == "kiosk-70");
    CHECK(tokens->at(1).groups == std::vector<std::string>{"pilot"});
    CHECK(tokens->at(1).id.size() == portal::k_token_id_digits);
    // The id is a prefix of the token's digest, never the token itself.
    CHECK(first->find(tokens->at(1).id) == std::string::npos);
    CHECK(tokens->at(1).issued_ms > 0);
    CHECK(tokens->at(1).expires_ms > tokens->at(1).issued_ms);
    CHECK_FALSE(tokens->at(1).used_ms);
    CHECK_FALSE(tokens->at(1).revoked_ms);

    auto revoked = store->revoke_enrolment_token(tokens->at(1).id);
    REQUIRE(revoked);
    CHECK(revoked->kiosk_id == "kiosk-70");
    CHECK(revoked->revoked_ms);
    auto refused = store->enrol(*first, "kiosk-70", "KEY", certificate);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "the enrolment token was revoked by the portal's admin");
    CHECK(store->revoke_enrolment_token(tokens->at(1).id));  // again: nothing changes

    REQUIRE(store->enrol(*second, "kiosk-71", "KEY", certificate));
    auto used = store->revoke_enrolment_token(tokens->at(0).id);
    REQUIRE_FALSE(used);
    CHECK(used.error().code == Errc::integrity);
    auto unknown = store->revoke_enrolment_token("000000000000");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == Errc::not_found);
    CHECK(store->revoke_enrolment_token("'; DROP TABLE").error().code == Errc::not_found);
    tokens = store->enrolment_tokens(10);
    REQUIRE(tokens);
    CHECK(tokens->at(0).used_ms);
    CHECK(tokens->at(1).revoked_ms);
    CHECK(store->enrolment_tokens(1)->size() == 1);
  }
}

TEST_CASE("enrolment tokens: each refusal says its own reason, and a token enrols once") {
  Backends backends;
  auto certificate = [](const std::vector<std::string>&) { return Expected<std::string>("CHAIN"); };
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    auto token = store->issue_enrolment_token("kiosk-31", std::chrono::hours(1), {});
    REQUIRE(token);
    auto expired = store->issue_enrolment_token("kiosk-32", std::chrono::seconds(0), {});
    REQUIRE(expired);
    CHECK_FALSE(store->issue_enrolment_token("bad id with spaces", std::chrono::hours(1), {}));

    auto reason = [&](const std::string& t, const std::string& id) {
      auto result = store->enrol(t, id, "KEY", certificate);
      return result ? std::string("enrolled") : result.error().message;
    };
    CHECK(reason("0123456789abcdef0123456789abcdef", "kiosk-31") ==
          "the enrolment token is unknown to this portal");
    CHECK(reason(*token, "kiosk-33") ==
          "the enrolment token was issued for kiosk id \"kiosk-31\", not \"kiosk-33\"");
    CHECK(reason(*expired, "kiosk-32") == "the enrolment token has expired");
    CHECK(reason(*token, "kiosk-31") == "enrolled");
    CHECK(reason(*token, "kiosk-31") == "the enrolment token was already used");
  }
}

TEST_CASE("PostgreSQL: four portal stores ingesting the same batches at once store each once") {
  PrivatePostgres server;
  TempDir dir;
  std::string uri = server.create_database("fleet");
  // Four stores opened at once: the migration runs once under its lock.
  std::vector<Expected<std::unique_ptr<PortalStore>>> opened(4);
  {
    std::vector<std::thread> openers;
    for (auto& store : opened)
      openers.emplace_back(
          [&] { store = portal::open_portal_store(uri, Log(quiet_logger(), "store")); });
    for (auto& opener : openers) opener.join();
  }
  std::vector<std::unique_ptr<PortalStore>> stores;
  for (auto& store : opened) {
    REQUIRE_MESSAGE(store, (store ? "" : store.error().describe()));
    stores.push_back(std::move(*store));
  }
  constexpr std::size_t k_kiosks = 6;
  constexpr std::size_t k_per_kiosk = 60;
  constexpr std::size_t k_batch = 5;
  std::vector<std::unique_ptr<DeviceKey>> keys;
  std::vector<std::vector<OutboxItem>> items(k_kiosks);
  for (std::size_t k = 0; k < k_kiosks; ++k) {
    keys.push_back(make_key(dir, "kiosk-" + std::to_string(k)));
    for (std::size_t s = 1; s <= k_per_kiosk; ++s)
      items[k].push_back(signed_item(*keys[k], free_health_record(static_cast<std::int64_t>(s),
                                                                  "kiosk-" + std::to_string(k))));
  }
  // Every store sends every kiosk's batches: each item arrives four times, at once.
  std::mutex mutex;
  std::map<std::string, int> accepted;
  std::atomic<int> errors{0};
  std::vector<std::thread> senders;
  for (std::size_t s = 0; s < stores.size(); ++s) {
    senders.emplace_back([&, s] {
      for (std::size_t k = 0; k < k_kiosks; ++k) {
        std::string kiosk = "kiosk-" + std::to_string(k);
        for (std::size_t first = 0; first < k_per_kiosk; first += k_batch) {
          auto begin = items[k].begin() + static_cast<std::ptrdiff_t>(first);
          std::vector<OutboxItem> chunk(begin, begin + static_cast<std::ptrdiff_t>(k_batch));
          auto results = stores[s]->ingest(kiosk, batch_of(*keys[k], chunk, kiosk));
          if (!results) {
            ++errors;
            continue;
          }
          std::lock_guard lock(mutex);
          for (const auto& result : *results) {
            if (result.outcome == UploadOutcome::accepted) ++accepted[result.id];
            if (result.outcome == UploadOutcome::rejected) ++errors;
          }
        }
      }
    });
  }
  for (auto& sender : senders) sender.join();
  CHECK(errors.load() == 0);
  CHECK(accepted.size() == k_kiosks * k_per_kiosk);
  for (const auto& [id, times] : accepted) CHECK_MESSAGE(times == 1, id);
  auto count = stores[0]->transaction_count();
  REQUIRE(count);
  CHECK(*count == static_cast<std::int64_t>(k_kiosks * k_per_kiosk));
}

TEST_CASE("PostgreSQL: one token redeemed by two portals at once enrols once") {
  PrivatePostgres server;
  std::string uri = server.create_database("enrol");
  auto first = open_store(uri);
  auto second = open_store(uri);
  auto token = first->issue_enrolment_token("kiosk-40", std::chrono::hours(1), {});
  REQUIRE(token);
  std::atomic<int> enrolled{0};
  auto redeem = [&](PortalStore& store) {
    auto chain = store.enrol(*token, "kiosk-40", "KEY", [](const std::vector<std::string>&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both inside at once
      return Expected<std::string>("CHAIN");
    });
    if (chain) ++enrolled;
  };
  std::thread a([&] { redeem(*first); });
  std::thread b([&] { redeem(*second); });
  a.join();
  b.join();
  CHECK(enrolled.load() == 1);
}

TEST_CASE("PostgreSQL: a database migrated by a newer portal is refused, not altered") {
  PrivatePostgres server;
  std::string uri = server.create_database("newer");
  open_store(uri);
  auto db = postgres::Connection::connect(uri);
  REQUIRE(db);
  REQUIRE(db->query("INSERT INTO schema_migrations(version, applied_ms) VALUES (999, 0)"));
  auto store = portal::open_portal_store(uri, Log(quiet_logger(), "store"));
  REQUIRE_FALSE(store);
  CHECK(store.error().message.find("newer than this portal") != std::string::npos);
}

TEST_CASE("SQLite: a file from before kiosk groups is upgraded in place, its tokens kept") {
  TempDir dir;
  fs::path file = dir.path() / "old.db";
  {
    auto db = sqlite::Database::open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    REQUIRE(db);
    // The tables as the first release made them.
    REQUIRE(db->exec(R"sql(
CREATE TABLE kiosks (kiosk_id TEXT PRIMARY KEY, device_key TEXT NOT NULL,
                     first_seen_ms INTEGER NOT NULL) STRICT;
CREATE TABLE heartbeats (kiosk_id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL,
                         queue_depth INTEGER NOT NULL, audit_head_seq INTEGER NOT NULL,
                         audit_head_hash TEXT NOT NULL, body TEXT NOT NULL) STRICT;
CREATE TABLE enrolment_tokens (token_sha256 TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL,
                               expires_ms INTEGER NOT NULL, used_ms INTEGER) STRICT;
INSERT INTO enrolment_tokens VALUES
  ('abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', 'kiosk-old', 4102444800000,
   NULL);
INSERT INTO kiosks VALUES ('kiosk-old', 'KEY', 1);
)sql"));
  }
  auto store = open_store(file.string());
  auto tokens = store->enrolment_tokens(10);
  REQUIRE(tokens);
  REQUIRE(tokens->size() == 1);
  CHECK(tokens->at(0).id == "abcdef012345");
  CHECK(tokens->at(0).kiosk_id == "kiosk-old");
  CHECK(tokens->at(0).groups.empty());
  CHECK(tokens->at(0).issued_ms == 0);
  auto kiosks = store->kiosks();
  REQUIRE(kiosks);
  REQUIRE(kiosks->size() == 1);
  CHECK(kiosks->at(0).groups.empty());
  CHECK(store->revoke_enrolment_token("abcdef012345"));
  store.reset();
  // Opened again, nothing is applied twice.
  CHECK(open_store(file.string())->enrolment_tokens(10)->at(0).revoked_ms);
}

TEST_CASE("PostgreSQL: an unreachable server is a clear error") {
  TempDir dir;
  auto store = portal::open_portal_store(
      "postgresql://shubbak@/postgres?host=" + dir.path().string(), Log(quiet_logger(), "store"));
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::io);
  CHECK(store.error().message.find("cannot connect to PostgreSQL") != std::string::npos);
}

}  // namespace
