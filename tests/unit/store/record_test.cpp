#include <doctest/doctest.h>

#include <functional>
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

namespace {
TransactionRecord valid_record() {
  TransactionRecord record;
  record.id = "0190a0b1-5c2e-7000-8000-000000000001";
  record.kiosk_id = "kiosk-7";
  record.sequence = 1;
  record.wall_ms = 1'795'000'000'000;
  record.boot_id = "3f0c7a52-0000-4000-8000-000000000000";
  record.service_id = "jordan.health.appointment";
  record.service_version = "1.0.0";
  record.fields = {{"clinic", "general"}};
  return record;
}

std::string refusal(const TransactionRecord& record) {
  auto valid = validate_record(record);
  return valid ? std::string("accepted") : valid.error().message;
}
}  // namespace

TEST_CASE("no payment is exactly zero minor units and no currency, and has no reference") {
  CHECK(is_no_payment(Money{0, ""}));
  CHECK_FALSE(is_no_payment(Money{0, "OMR"}));  // a payment of nothing in rials
  CHECK_FALSE(is_no_payment(Money{5, ""}));
  CHECK(check_recorded_amount(Money{0, ""}));
  CHECK(check_recorded_amount(Money{0, "JOD"}));
  CHECK(check_recorded_amount(Money{2500, "JOD"}));
  CHECK(check_recorded_amount(Money{5, ""}).error().message.find("without a currency") !=
        std::string::npos);
  CHECK_FALSE(check_recorded_amount(Money{-1, "JOD"}));
  CHECK_FALSE(check_recorded_amount(Money{1, "XYZ"}));

  auto free = valid_record();  // the demo's free health appointment: amount {0, ""}
  CHECK(refusal(free) == "accepted");
  TransactionDraft draft{free.service_id, free.service_version, free.amount, "", free.fields};
  CHECK(validate_draft(draft));
  draft.payment_reference = "APPROVAL-1";
  CHECK(validate_draft(draft).error().message ==
        "no payment (a free service) has no payment reference");
  free.payment_reference = "APPROVAL-1";
  CHECK(refusal(free) == "no payment (a free service) has no payment reference");
}

TEST_CASE("a record is validated as strictly as the kiosk validates its drafts, and more") {
  struct Case {
    const char* name;
    std::function<void(TransactionRecord&)> spoil;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"sequence 0", [](auto& r) { r.sequence = 0; }, "sequence must be 1 or more"},
      {"negative sequence", [](auto& r) { r.sequence = -5; }, "sequence must be 1 or more"},
      {"negative wall time", [](auto& r) { r.wall_ms = -1; }, "wall_ms must not be negative"},
      {"not a UUIDv7", [](auto& r) { r.id = "../../etc/passwd"; }, "id is not a UUIDv7"},
      {"hostile kiosk id", [](auto& r) { r.kiosk_id = "../../etc/x';--"; },
       "the record's kiosk_id is not a valid kiosk id"},
      {"empty boot id", [](auto& r) { r.boot_id.clear(); }, "boot id must be 1 to 128 characters"},
      {"negative amount",
       [](auto& r) {
         r.amount = {-100, "JOD"};
       },
       "an amount cannot be negative"},
      {"unknown currency",
       [](auto& r) {
         r.amount = {100, "XYZ"};
       },
       "unknown ISO 4217 currency"},
      {"an amount without currency",
       [](auto& r) {
         r.amount = {100, ""};
       },
       "an amount without a currency must be zero"},
      {"card number in a field",
       [](auto& r) { r.fields.emplace_back("note", "4111 1111 1111 1111"); },
       "field note looks like a card number"},
      {"card number as a field name",
       [](auto& r) { r.fields.emplace_back("4111111111111111", "x"); },
       "a field name looks like a card number"},
      {"card number in the reference",
       [](auto& r) {
         r.amount = {100, "JOD"};
         r.payment_reference = "5500-0000-0000-0004";
       },
       "payment reference looks like a card number"},
      {"card number in the service version",
       [](auto& r) { r.service_version = "4111111111111111"; },
       "service version looks like a card number"},
      {"oversized field", [](auto& r) { r.fields.emplace_back("note", std::string(4097, 'a')); },
       "field note is too long"},
      {"too many fields",
       [](auto& r) {
         for (int i = 0; i < 200; ++i) r.fields.emplace_back("f" + std::to_string(i), "x");
       },
       "too many form fields"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto record = valid_record();
    c.spoil(record);
    CHECK(refusal(record).starts_with(c.expected));
  }
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
