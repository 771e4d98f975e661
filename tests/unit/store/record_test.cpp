#include <doctest/doctest.h>

#include <set>

#include "kiosk/core/money.hpp"
#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/transaction_record.hpp"
#include "kiosk/store/uuid7.hpp"

using namespace shubbak;

TEST_CASE("money: three-decimal Gulf and Levant currencies, integer minor units") {
  CHECK(currency_exponent("OMR") == 3);
  CHECK(currency_exponent("JOD") == 3);
  CHECK(currency_exponent("KWD") == 3);
  CHECK(currency_exponent("BHD") == 3);
  CHECK(currency_exponent("SAR") == 2);
  CHECK(currency_exponent("JPY") == 0);
  CHECK_FALSE(currency_exponent("OMX"));
  CHECK(format_money({1250, "OMR"}) == "1.250 OMR");
  CHECK(format_money({5, "JOD"}) == "0.005 JOD");
  CHECK(format_money({1999, "SAR"}) == "19.99 SAR");
  CHECK(format_money({700, "JPY"}) == "700 JPY");
  CHECK_FALSE(make_money(-1, "OMR"));
  CHECK_FALSE(make_money(1, "omr"));
  CHECK(make_money(0, "BHD"));
}

TEST_CASE(
    "UUIDv7: well formed, time-ordered, monotonic within a millisecond and across a clock step "
    "back") {
  Uuid7Generator ids;
  std::string previous;
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    auto id = ids.next(1'795'000'000'000 + i / 1000);
    REQUIRE(id);
    CHECK(is_uuid7(*id));
    CHECK(*id > previous);
    seen.insert(*id);
    previous = *id;
  }
  CHECK(seen.size() == 5000);
  auto back = ids.next(1'700'000'000'000);  // the wall clock stepped back years
  REQUIRE(back);
  CHECK(*back > previous);
  auto first = Uuid7Generator().next(0x0190a0b15c2e);
  CHECK(first->starts_with("0190a0b1-5c2e-7"));
  CHECK_FALSE(is_uuid7("0190a0b1-5c2e-4000-8000-000000000000"));
}

TEST_CASE("card numbers are recognised, ordinary numbers are not") {
  CHECK(looks_like_card_number("4111111111111111"));
  CHECK(looks_like_card_number("card 4111 1111 1111 1111 ok"));
  CHECK(looks_like_card_number("5500-0000-0000-0004"));
  CHECK_FALSE(looks_like_card_number("4111111111111112"));  // fails Luhn
  CHECK_FALSE(looks_like_card_number("+968 9123 4567"));    // a phone number
  CHECK_FALSE(looks_like_card_number("APPROVAL-123456"));
  CHECK_FALSE(looks_like_card_number("2026-11-22T09:30"));
}

TEST_CASE("the canonical record is deterministic, round-trips, and refuses non-canonical bytes") {
  TransactionRecord record;
  record.id = "0190a0b1-5c2e-7000-8000-000000000001";
  record.kiosk_id = "kiosk-7";
  record.sequence = 42;
  record.wall_ms = 1'795'000'000'000;
  record.boot_id = "b";
  record.service_id = "civil.id_renewal";
  record.service_version = "1.0.0";
  record.amount = {2500, "JOD"};
  record.fields = {{"z_last", "ي"}, {"a_first", "أ"}};
  std::string canonical = canonical_json(record);
  CHECK(canonical == canonical_json(record));
  CHECK(canonical.find(' ') == std::string::npos);
  CHECK(canonical.find("\"a_first\"") < canonical.find("\"z_last\""));  // keys sorted
  auto parsed = parse_record(canonical);
  REQUIRE(parsed);
  CHECK(parsed->sequence == 42);
  CHECK(parsed->amount == Money{2500, "JOD"});
  CHECK(canonical_json(*parsed) == canonical);
  std::string spaced = canonical;
  spaced.insert(1, " ");
  CHECK_FALSE(parse_record(spaced));
  CHECK_FALSE(parse_record("[]"));
}

TEST_CASE("the audit chain verifier names the first broken entry") {
  std::vector<AuditEntry> entries;
  std::string prev(k_audit_genesis_hash);
  for (int i = 1; i <= 5; ++i) {
    AuditEntry e{i, 1000 + i, "boot", "session.start", "{}", prev, ""};
    e.hash = audit_entry_hash(prev, e);
    prev = e.hash;
    entries.push_back(e);
  }
  CHECK_FALSE(verify_audit_chain(entries).broken);
  CHECK(verify_audit_chain(entries).head_seq == 5);

  auto flipped = entries;
  flipped[2].kind = "session.end";
  CHECK(verify_audit_chain(flipped).broken->seq == 3);

  auto deleted = entries;
  deleted.erase(deleted.begin() + 1);
  CHECK(verify_audit_chain(deleted).broken->seq == 3);

  auto reordered = entries;
  std::swap(reordered[1], reordered[3]);
  CHECK(verify_audit_chain(reordered).broken->seq == 4);

  auto renumbered = entries;  // swap contents but keep the numbering
  std::swap(renumbered[1].detail, renumbered[3].detail);
  renumbered[1].detail = "{\"x\":1}";
  CHECK(verify_audit_chain(renumbered).broken->seq == 2);
}

TEST_CASE(
    "a draft with bytes that are not UTF-8 is refused before it is signed, naming only the field") {
  TransactionDraft draft{"health.appointment", "2.1.0", Money{0, ""}, "", {{"clinic", "مستشفى"}}};
  REQUIRE(validate_draft(draft));
  SUBCASE("a field's value") {
    draft.fields.emplace_back("remarks", "caf\xC3");
    auto refused = validate_draft(draft);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "field remarks is not valid UTF-8 (byte 3)");
  }
  SUBCASE("a field's name") {
    draft.fields.emplace_back("bad\xFFname", "x");
    CHECK_FALSE(validate_draft(draft));
  }
  SUBCASE("the service id") {
    draft.service_id = "health.\xE0\x80\xAF";
    CHECK_FALSE(validate_draft(draft));
  }
  SUBCASE("the payment reference") {
    draft.payment_reference = "APPROVAL-\xED\xA0\x80";
    CHECK_FALSE(validate_draft(draft));
  }
}

TEST_CASE("the audit chain verifier can start after an entry verified earlier") {
  std::vector<AuditEntry> entries;
  std::string prev(k_audit_genesis_hash);
  for (std::int64_t seq = 1; seq <= 5; ++seq) {
    AuditEntry entry{seq, 1000 + seq, "boot", "technician.login", "{}", prev, ""};
    entry.hash = audit_entry_hash(prev, entry);
    prev = entry.hash;
    entries.push_back(entry);
  }
  AuditChainVerifier from_three(2, entries[1].hash);
  for (std::size_t i = 2; i < entries.size(); ++i) CHECK(from_three.add(entries[i]));
  CHECK(from_three.report().entries == 3);
  CHECK(from_three.report().head_seq == 5);
  CHECK_FALSE(from_three.report().broken);
  // A wrong anchor breaks at the first entry after it.
  AuditChainVerifier wrong(2, entries[0].hash);
  CHECK_FALSE(wrong.add(entries[2]));
  REQUIRE(wrong.report().broken);
  CHECK(wrong.report().broken->seq == 3);
}
