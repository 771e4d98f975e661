// What the console reads from both storage backends, on real databases (a SQLite file and a
// private PostgreSQL): transactions found by their id or the beginning of it, the device key
// each kiosk has pinned, and the upload items the portal refused, kept once per kiosk and id
// however often they come back.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <map>
#include <thread>

#include "kiosk/core/short_reference.hpp"
#include "provisioning/portal/console/transaction_pages.hpp"
#include "provisioning/portal/portal_store.hpp"
#include "tests/integration/portal/signed_records.hpp"
#include "tests/integration/portal/store_backends.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
using portal::PortalStore;

std::vector<std::string> ids_of(const std::vector<portal::StoredTransaction>& found) {
  std::vector<std::string> ids;
  for (const auto& t : found) ids.push_back(t.id);
  return ids;
}

TEST_CASE("both backends find a transaction by its id or a prefix of it") {
  Backends backends;
  auto key = make_key(backends.dir, "kiosk-7");
  // Made a millisecond apart: their ids share the first 12 hex digits (the UUIDv7's time).
  auto r1 = free_health_record(1);
  auto r2 = free_health_record(2);
  REQUIRE(r1.id.substr(0, 8) == r2.id.substr(0, 8));
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    auto stored =
        store->ingest("kiosk-7", batch_of(*key, {signed_item(*key, r1), signed_item(*key, r2)}));
    REQUIRE(stored);

    auto whole = store->find_transactions(r1.id, 2);
    REQUIRE(whole);
    REQUIRE(whole->size() == 1);
    CHECK(whole->front().id == r1.id);
    CHECK(whole->front().kiosk_id == "kiosk-7");
    CHECK(whole->front().sequence == 1);
    CHECK(whole->front().record == canonical_json(r1));
    CHECK(whole->front().received_ms > 0);

    // A prefix both ids start with finds both (the console calls that ambiguous); one only the
    // first has finds only it.
    auto shared = store->find_transactions(r1.id.substr(0, 8), 5);
    REQUIRE(shared);
    CHECK(ids_of(*shared) ==
          std::vector<std::string>{std::min(r1.id, r2.id), std::max(r1.id, r2.id)});
    auto limited = store->find_transactions(r1.id.substr(0, 8), 1);
    REQUIRE(limited);
    CHECK(limited->size() == 1);
    auto unique = store->find_transactions(r2.id.substr(0, 35), 5);
    REQUIRE(unique);
    CHECK(ids_of(*unique) == std::vector<std::string>{r2.id});

    // Unknown ids, and a prefix made of LIKE's wildcards, find nothing.
    for (std::string missing :
         {std::string("ffffffff"), std::string("%"), std::string("_"), r1.id.substr(0, 35) + "x"}) {
      CAPTURE(missing);
      auto none = store->find_transactions(missing, 5);
      REQUIRE(none);
      CHECK(none->empty());
    }

    // By the kiosk's sequence number (a counter reference); never another kiosk's.
    auto by_sequence = store->find_transaction_by_sequence("kiosk-7", 2);
    REQUIRE(by_sequence);
    REQUIRE(by_sequence->has_value());
    CHECK((*by_sequence)->id == r2.id);
    CHECK((*by_sequence)->record == canonical_json(r2));
    for (auto [kiosk, sequence] : {std::pair<std::string, std::int64_t>{"kiosk-7", 3},
                                   std::pair<std::string, std::int64_t>{"kiosk-8", 2},
                                   std::pair<std::string, std::int64_t>{"", 2}}) {
      auto none = store->find_transaction_by_sequence(kiosk, sequence);
      REQUIRE(none);
      CHECK_FALSE(none->has_value());
    }

    // The key its first signed batch pinned; none for a kiosk never seen.
    auto pinned = store->device_key("kiosk-7");
    REQUIRE(pinned);
    REQUIRE(pinned->has_value());
    CHECK(**pinned == base64_encode(key->public_key()));
    auto unknown = store->device_key("kiosk-55");
    REQUIRE(unknown);
    CHECK_FALSE(unknown->has_value());
  }
}

TEST_CASE("both backends keep each refused item once per kiosk and id, with a count") {
  Backends backends;
  auto key = make_key(backends.dir, "kiosk-7");
  auto other_key = make_key(backends.dir, "other");
  auto good = free_health_record(1);
  auto forged = signed_item(*key, free_health_record(2));
  forged.signature = signed_item(*other_key, free_health_record(3)).signature;
  auto card = free_health_record(4);
  card.fields = {{"card", "4111111111111111"}};
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    auto nothing = store->refusals({}, 10);
    REQUIRE(nothing);
    CHECK(nothing->empty());

    // A good item and a forged one; the forged one again (twice in one batch, then once more),
    // and a record with a card number in it.
    REQUIRE(store->ingest("kiosk-7", batch_of(*key, {signed_item(*key, good), forged})));
    REQUIRE(store->ingest("kiosk-7", batch_of(*key, {forged, forged, signed_item(*key, card)})));
    REQUIRE(store->ingest("kiosk-7", batch_of(*key, {forged})));
    // A duplicate of a stored item is not a refusal.
    REQUIRE(store->ingest("kiosk-7", batch_of(*key, {signed_item(*key, good)})));
    // A batch kiosk-8 sends in kiosk-7's name is kept as kiosk-8's refusal; the newest, a few
    // milliseconds later.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(store->ingest("kiosk-8", batch_of(*key, {signed_item(*key, good)})));

    auto of7 = store->refusals("kiosk-7", 10);
    REQUIRE(of7);
    REQUIRE(of7->size() == 2);
    std::map<std::string, portal::ItemRefusal> by_id;
    for (const auto& refusal : *of7) {
      CHECK(refusal.kiosk_id == "kiosk-7");
      CHECK(refusal.first_seen_ms <= refusal.last_seen_ms);
      by_id[refusal.transaction_id] = refusal;
    }
    REQUIRE(by_id.count(forged.id) == 1);
    CHECK(by_id[forged.id].times_seen == 4);
    CHECK(by_id[forged.id].reason == "device signature does not verify");
    REQUIRE(by_id.count(card.id) == 1);
    CHECK(by_id[card.id].times_seen == 1);
    CHECK(by_id[card.id].reason.find("card") != std::string::npos);
    // The reason names what is wrong, never the number itself.
    CHECK(by_id[card.id].reason.find("4111111111111111") == std::string::npos);

    auto of8 = store->refusals("kiosk-8", 10);
    REQUIRE(of8);
    REQUIRE(of8->size() == 1);
    CHECK(of8->front().transaction_id == good.id);
    CHECK(of8->front().reason.find("client certificate is \"kiosk-8\"") != std::string::npos);

    // Every kiosk's, newest first, and bounded.
    auto all = store->refusals({}, 10);
    REQUIRE(all);
    CHECK(all->size() == 3);
    for (std::size_t i = 1; i < all->size(); ++i)
      CHECK((*all)[i - 1].last_seen_ms >= (*all)[i].last_seen_ms);
    CHECK(all->front().kiosk_id == "kiosk-8");
    auto one = store->refusals({}, 1);
    REQUIRE(one);
    CHECK(one->size() == 1);
    auto none = store->refusals("kiosk-9", 10);
    REQUIRE(none);
    CHECK(none->empty());

    // Kept in the database, not in the store object: a new one (another portal process) sees
    // them too.
    auto again = open_store(location)->refusals("kiosk-7", 10);
    REQUIRE(again);
    CHECK(again->size() == 2);
  }
}

}  // namespace

namespace {

std::string shown_reference_of(const std::string& id) {
  return short_reference(id);
}

}  // namespace

TEST_CASE("both backends keep each transaction's short reference and find it, in the console too") {
  Backends backends;
  auto key7 = make_key(backends.dir, "kiosk-7");
  auto r1 = free_health_record(1);
  auto r2 = free_health_record(2);
  REQUIRE(short_reference(r1.id) != short_reference(r2.id));
  for (const auto& [name, location] : backends.locations) {
    CAPTURE(name);
    auto store = open_store(location);
    REQUIRE(store->ingest("kiosk-7",
                          batch_of(*key7, {signed_item(*key7, r1), signed_item(*key7, r2)})));
    auto compact = parse_short_reference(shown_reference_of(r1.id));
    REQUIRE(compact);
    auto found = store->find_transactions_by_short_reference(*compact, 5);
    REQUIRE(found);
    CHECK(ids_of(*found) == std::vector<std::string>{r1.id});

    // The console: as the citizen reads it out (hyphen, lower case), with or without the kiosk.
    std::string typed = shown_reference_of(r1.id);
    for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string kiosk : {std::string(), std::string("kiosk-7")}) {
      CAPTURE(kiosk);
      auto lookup = portal::console::look_up_transaction(*store, typed, kiosk);
      REQUIRE(lookup);
      CHECK(lookup->outcome == portal::console::LookupOutcome::found);
      REQUIRE(lookup->transaction);
      CHECK(lookup->transaction->id == r1.id);
    }
    // Another kiosk's: not this one.
    auto elsewhere = portal::console::look_up_transaction(*store, typed, "kiosk-8");
    REQUIRE(elsewhere);
    CHECK(elsewhere->outcome == portal::console::LookupOutcome::unknown);
    // One character wrong: the check refuses it before the store is asked (malformed).
    std::string wrong = shown_reference_of(r1.id);
    wrong[0] = wrong[0] == 'K' ? 'M' : 'K';
    auto mistyped = portal::console::look_up_transaction(*store, wrong, "");
    REQUIRE(mistyped);
    CHECK(mistyped->outcome != portal::console::LookupOutcome::found);
  }
}
