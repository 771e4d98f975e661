// The console's transaction, receipt and refusal pages without a server: what an admin may type
// as a transaction id, a card-number-shaped value never shown even if a record held one, values
// from kiosks escaped, both languages.
#include <doctest/doctest.h>

#include "kiosk/core/short_reference.hpp"

#include <string>

#include "kiosk/store/transaction_record.hpp"
#include "provisioning/portal/console/receipt_check.hpp"
#include "provisioning/portal/console/refusal_pages.hpp"
#include "provisioning/portal/console/transaction_pages.hpp"

using namespace shubbak;
using namespace shubbak::portal;
using namespace shubbak::portal::console;

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

StoredTransaction stored(const TransactionRecord& record) {
  return {record.id, record.kiosk_id, record.sequence, canonical_json(record), 1'800'000'000'000};
}

TransactionRecord record() {
  TransactionRecord r;
  r.id = "0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091";
  r.kiosk_id = "kiosk-7";
  r.sequence = 42;
  r.wall_ms = 1'714'558'953'120;
  r.boot_id = "3f0c7a52-9d41-4c4e-a0e5-1f2a3b4c5d6e";
  r.service_id = "muscat.municipality.fees";
  r.service_version = "1.0.0";
  r.amount = Money{1250, "OMR"};
  r.payment_reference = "PAY-7";
  r.fields = {{"application", "<b>12345</b>"}};
  return r;
}

}  // namespace

TEST_CASE("a transaction id is typed whole or as its first 8 or more hex digits") {
  CHECK(canonical_id_prefix("0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091") ==
        "0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091");
  CHECK(canonical_id_prefix(" 0190A0B15C2E7A3F9B214C5D6E7F8091 ") ==
        "0190a0b1-5c2e-7a3f-9b21-4c5d6e7f8091");
  CHECK(canonical_id_prefix("0190a0b1") == "0190a0b1");
  CHECK(canonical_id_prefix("0190a0b15") == "0190a0b1-5");
  CHECK(canonical_id_prefix("0190-a0b1-5c2e-7") == "0190a0b1-5c2e-7");
  CHECK_FALSE(canonical_id_prefix("0190a0b"));    // 7 digits
  CHECK_FALSE(canonical_id_prefix("0190a0bg"));   // not hex
  CHECK_FALSE(canonical_id_prefix("0190a0b1%"));  // a LIKE wildcard
  CHECK_FALSE(canonical_id_prefix("0190a0b1_"));  // another
  CHECK_FALSE(canonical_id_prefix(std::string(33, 'a')));
  CHECK_FALSE(canonical_id_prefix(""));
}

TEST_CASE("a counter reference is the kiosk's sequence number, with a receipt's number after it") {
  CHECK(counter_reference_sequence("42") == 42);
  CHECK(counter_reference_sequence(" 42-2 ") == 42);
  CHECK(counter_reference_sequence("1") == 1);
  CHECK_FALSE(counter_reference_sequence("0"));
  CHECK_FALSE(counter_reference_sequence("42-"));
  CHECK_FALSE(counter_reference_sequence("-2"));
  CHECK_FALSE(counter_reference_sequence("42-x"));
  CHECK_FALSE(counter_reference_sequence("4 2"));
  CHECK_FALSE(counter_reference_sequence("0190a0b1"));
  CHECK_FALSE(counter_reference_sequence(std::string(19, '9')));
  CHECK_FALSE(counter_reference_sequence(""));
}

TEST_CASE("a transaction's page shows the record and never a card number") {
  PageContext context;
  context.user = "badr";
  context.language = Language::en;
  auto paid = record();
  TransactionLookup lookup{paid.id, {}, LookupOutcome::found, stored(paid), {}};
  auto html = render_transaction_lookup(context, lookup);
  CHECK(contains(html, "dir=\"ltr\""));
  CHECK(contains(html, "1.250 OMR"));
  CHECK(contains(html, "PAY-7"));
  CHECK(contains(html, "muscat.municipality.fees 1.0.0"));
  CHECK(contains(html, "&lt;b&gt;12345&lt;/b&gt;"));
  CHECK_FALSE(contains(html, "<b>12345"));
  CHECK(contains(html, "href=\"/kiosk?id=kiosk-7\""));
  // The short reference the citizen was given, beside the id.
  CHECK(
      contains(html, "<span id=\"short-reference\"><bdi dir=\"ltr\">" + short_reference(paid.id)));

  // The portal refuses such records; were one stored all the same, the page masks the number.
  auto with_card = record();
  with_card.fields.emplace_back("note", "4111111111111111");
  with_card.payment_reference = "4111 1111 1111 1111";
  auto masked = render_transaction_lookup(
      context, TransactionLookup{with_card.id, {}, LookupOutcome::found, stored(with_card), {}});
  CHECK_FALSE(contains(masked, "4111111111111111"));
  CHECK_FALSE(contains(masked, "4111 1111"));
  CHECK(contains(masked, "a card number, hidden"));

  // A record that does not parse is not shown raw.
  auto broken = stored(with_card);
  broken.record = R"({"card": "4111111111111111")";
  auto unreadable = render_transaction_lookup(
      context, TransactionLookup{broken.id, {}, LookupOutcome::found, broken, {}});
  CHECK_FALSE(contains(unreadable, "4111111111111111"));
  CHECK(contains(unreadable, "unreadable"));

  context.language = Language::ar;
  auto ambiguous = render_transaction_lookup(
      context, TransactionLookup{"0190a0b1", {}, LookupOutcome::ambiguous, std::nullopt, {}});
  CHECK(contains(ambiguous, "dir=\"rtl\""));
  CHECK(contains(ambiguous, "أكثر من معاملة تطابق"));
}

TEST_CASE("refusals and receipt checks escape what kiosks and admins sent") {
  PageContext context;
  context.user = "amal";
  context.csrf_token = std::string(64, 'c');
  std::vector<ItemRefusal> refusals = {
      {"kiosk-7", "<i>id</i>", "reason <script>", 1'800'000'000'000, 1'800'000'100'000, 3}};
  auto page = render_refusals(context, refusals);
  CHECK(contains(page, "&lt;i&gt;id&lt;/i&gt;"));
  CHECK(contains(page, "reason &lt;script&gt;"));
  CHECK_FALSE(contains(page, "<script>"));
  CHECK(contains(page, "<td>3</td>"));
  auto section = kiosk_refusals_section(context, {});
  CHECK(contains(section, "id=\"kiosk-refusals-none\""));

  ReceiptCheck check;
  check.seal.verdict = receipts::SealVerdict::malformed;
  check.seal.why = "unknown prefix <x>";
  auto verdict = render_receipt_check(context, check);
  CHECK(contains(verdict, "data-verdict=\"malformed\""));
  CHECK(contains(verdict, "unknown prefix &lt;x&gt;"));
  CHECK(contains(verdict, "name=\"csrf\" value=\"" + std::string(64, 'c') + "\""));
  CHECK(contains(verdict, "enctype=\"multipart/form-data\""));
}
