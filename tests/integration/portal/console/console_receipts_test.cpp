// The console's transaction lookup, receipt verification and refused transactions, on the real
// shubbak-portal over HTTPS, on a SQLite file and on a private PostgreSQL database. Kiosk-7's
// real device key is pinned by the portal from its first signed batch (sent over mutual TLS);
// kiosk-12 is enrolled as a technician does it (a token from the console, a CSR and its device
// key). Seals are made by the kiosk's own seal_receipt(), and a receipt is rendered by the
// kiosk's own receipt renderer and uploaded as a PNG.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "kiosk/core/config.hpp"
#include "kiosk/crypto/base45.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "kiosk/crypto/tls_client_key.hpp"
#include "kiosk/image/mono_png.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "screens/text/text_engine.hpp"
#include "tests/integration/portal/console/console_fixture.hpp"
#include "tests/integration/portal/signed_records.hpp"
#include "tests/integration/receipt/receipt_fixtures.hpp"
#include "tests/support/private_postgres.hpp"

using namespace shubbak;
using namespace shubbak::testing;

namespace {

// A paid fee with its payment reference.
TransactionRecord paid_record(std::int64_t sequence) {
  auto record = free_health_record(sequence);
  record.service_id = "muscat.municipality.fees";
  record.amount = Money{1250, "OMR"};
  record.payment_reference = "PAY-000123";
  return record;
}

ReceiptFacts facts_of(const TransactionRecord& record) {
  return {record.id, record.service_id, record.amount, record.wall_ms, record.kiosk_id};
}

std::string seal_of(const ReceiptFacts& facts, const DeviceKey& key) {
  auto seal = seal_receipt(facts, key);
  REQUIRE_MESSAGE(seal, (seal ? "" : seal.error().describe()));
  return *seal;
}

// `seal` with one bit of its signed facts flipped: it still parses, its signature fails.
std::string with_one_fact_bit_flipped(const std::string& seal) {
  auto bytes = base45_decode(std::string_view(seal).substr(k_receipt_seal_prefix.size())).value();
  bytes[16 + 5] ^= 0x01;
  return std::string(k_receipt_seal_prefix) + base45_encode(bytes);
}

// The receipt the kiosk prints for `facts` with `seal` as its QR code, as PNG bytes.
std::string receipt_png(const TempDir& dir, const ReceiptFacts& facts, const std::string& seal) {
  auto text = TextEngine::open(Config::Text{});
  REQUIRE(text);
  auto page = render_receipt(**text, sample_receipt(Language::ar, facts, seal), 576);
  REQUIRE_MESSAGE(page, (page ? "" : page.error().describe()));
  auto path = dir / ("receipt-" + std::to_string(seal.size()) + ".png");
  REQUIRE(write_mono_png(path, *page));
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string verdict_of(const ConsoleReply& reply) {
  return text_after(reply.body, "data-verdict=\"", "abcdefghijklmnopqrstuvwxyz_").value_or("");
}
std::string stored_of(const ConsoleReply& reply) {
  return text_after(reply.body, "data-stored=\"", "abcdefghijklmnopqrstuvwxyz").value_or("");
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void exercise_receipts(ConsoleFixture& console) {
  INFO("portal log: " << console.log());

  // No page without a session.
  for (const char* page :
       {"/transaction", "/transaction?ref=01234567", "/receipt-check", "/refusals"}) {
    auto reply = console.request("GET", page);
    CHECK_MESSAGE(reply.status == 303, page);
    CHECK(reply.location == "/sign-in");
  }
  CHECK(console.post_multipart("/receipt-check", {}, {{"seal", "SR1:x"}}).status == 401);

  // Kiosk-7 uploads two transactions, and one with a card number in it, which is refused.
  TempDir keys;
  auto key = DeviceKey::load_or_create(keys / "device.pem");
  auto other_key = DeviceKey::load_or_create(keys / "other.pem");
  REQUIRE(key);
  REQUIRE(other_key);
  auto paid = paid_record(1);
  auto appointment = free_health_record(2);
  auto card = free_health_record(3);
  card.fields = {{"card", "4111111111111111"}};
  auto results = portal_protocol::decode_results(console.upload_batch(batch_json(
      **key,
      {signed_item(**key, paid), signed_item(**key, appointment), signed_item(**key, card)})));
  REQUIRE(results);
  REQUIRE(results->size() == 3);
  CHECK((*results)[0].outcome == UploadOutcome::accepted);
  CHECK((*results)[1].outcome == UploadOutcome::accepted);
  CHECK((*results)[2].outcome == UploadOutcome::rejected);

  auto operator_reply = console.sign_in("amal", k_operator_password);
  REQUIRE(operator_reply.status == 303);
  std::string session = ConsoleFixture::session_of(operator_reply);
  auto viewer_reply = console.sign_in("badr", k_viewer_password);
  REQUIRE(viewer_reply.status == 303);
  std::string viewer = ConsoleFixture::session_of(viewer_reply);

  // Lookup, by a viewer: the whole id, or enough of its beginning, in any case, with or without
  // hyphens.
  auto form = console.request("GET", "/transaction", viewer);
  CHECK(form.status == 200);
  CHECK(contains(form.body, "dir=\"rtl\""));
  CHECK(contains(form.body, "href=\"/transaction\""));  // in the navigation
  CHECK(contains(form.body, "href=\"/receipt-check\""));
  CHECK(contains(form.body, "href=\"/refusals\""));
  auto found = console.request("GET", "/transaction?lang=en&ref=" + paid.id, viewer);
  REQUIRE(found.status == 200);
  CHECK(contains(found.body, "id=\"transaction\""));
  CHECK(contains(found.body, paid.id));
  CHECK(contains(found.body, "1.250 OMR"));
  CHECK(contains(found.body, "PAY-000123"));
  CHECK(contains(found.body, "muscat.municipality.fees"));
  CHECK(contains(found.body, "national_id"));
  CHECK(contains(found.body, "href=\"/kiosk?id=kiosk-7\""));
  CHECK(contains(found.body, "Received by the portal"));
  // The shortest beginning of its id that the other stored id does not share, upper case and
  // without hyphens.
  auto digits_of = [](const std::string& id) {
    std::string digits;
    for (char c : id)
      if (c != '-') digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return digits;
  };
  std::string digits = digits_of(paid.id);
  std::string other_digits = digits_of(appointment.id);
  std::size_t shared = 0;
  while (shared < digits.size() && digits[shared] == other_digits[shared]) ++shared;
  REQUIRE(shared >= 8);  // the same millisecond or close: the first 8 are the same
  auto by_prefix =
      console.request("GET", "/transaction?ref=" + digits.substr(0, shared + 1), viewer);
  CHECK(by_prefix.status == 200);
  CHECK(contains(by_prefix.body, paid.id));
  auto ambiguous = console.request("GET", "/transaction?ref=" + paid.id.substr(0, 8), viewer);
  CHECK(ambiguous.status == 404);
  CHECK(contains(ambiguous.body, "id=\"lookup-ambiguous\""));
  // By the kiosk and the counter reference a citizen is given when the receipt did not print.
  auto by_reference = console.request("GET", "/transaction?ref=1&kiosk=kiosk-7", viewer);
  CHECK(by_reference.status == 200);
  CHECK(contains(by_reference.body, paid.id));
  auto second_receipt = console.request("GET", "/transaction?ref=2-2&kiosk=kiosk-7", viewer);
  CHECK(second_receipt.status == 200);
  CHECK(contains(second_receipt.body, appointment.id));
  CHECK(console.request("GET", "/transaction?ref=1&kiosk=kiosk-8", viewer).status == 404);
  CHECK(contains(console.request("GET", "/transaction?ref=x1&kiosk=kiosk-7", viewer).body,
                 "id=\"lookup-malformed\""));
  auto unknown = console.request("GET", "/transaction?ref=ffffffff-ffff", viewer);
  CHECK(unknown.status == 404);
  CHECK(contains(unknown.body, "id=\"lookup-unknown\""));
  auto refused_id = console.request("GET", "/transaction?ref=" + card.id, viewer);
  CHECK(refused_id.status == 404);
  CHECK(contains(refused_id.body, "id=\"lookup-unknown\""));
  auto malformed = console.request("GET", "/transaction?ref=%3Cb%3E1234", viewer);
  CHECK(malformed.status == 404);
  CHECK(contains(malformed.body, "id=\"lookup-malformed\""));
  CHECK(contains(malformed.body, "&lt;b&gt;1234"));  // what was typed, escaped
  CHECK_FALSE(contains(malformed.body, "<b>1234"));

  // Receipt verification: a seal the kiosk made with its device key, as the portal pinned it.
  auto check_page = console.request("GET", "/receipt-check", session);
  REQUIRE(check_page.status == 200);
  std::string csrf = ConsoleFixture::csrf_of(check_page.body);
  REQUIRE(csrf.size() == 64);
  auto verify_text = [&](const std::string& seal) {
    return console.post_multipart("/receipt-check?lang=en", session,
                                  {{"csrf", csrf}, {"seal", seal}});
  };
  std::string seal = seal_of(facts_of(paid), **key);
  auto valid = verify_text(seal + "\r\n");  // pasted with a line break
  REQUIRE(valid.status == 200);
  CHECK(verdict_of(valid) == "valid");
  CHECK(stored_of(valid) == "matches");
  CHECK(contains(valid.body, "1.250 OMR"));
  CHECK(contains(valid.body, "PAY-000123"));

  // Signed by another key; one bit of its facts changed; a kiosk the portal never pinned a key
  // for; not a seal at all.
  auto forged = verify_text(seal_of(facts_of(paid), **other_key));
  CHECK(verdict_of(forged) == "bad_signature");
  CHECK(stored_of(forged) == "unverified");  // its facts are a real transaction's: not said
  CHECK(contains(forged.body, "signature does not verify"));
  auto tampered = verify_text(with_one_fact_bit_flipped(seal));
  CHECK(verdict_of(tampered) == "bad_signature");
  CHECK(stored_of(tampered) == "unverified");
  CHECK_FALSE(contains(tampered.body, "id=\"transaction\""));
  auto stranger = facts_of(paid);
  stranger.kiosk_id = "kiosk-55";
  CHECK(verdict_of(verify_text(seal_of(stranger, **key))) == "unknown_kiosk");
  auto garbage = verify_text("<script>alert(1)</script>");
  CHECK(verdict_of(garbage) == "malformed");
  CHECK_FALSE(contains(garbage.body, "<script>"));
  // Valid seals of a transaction the portal does not hold, and of one whose record differs.
  auto not_held = verify_text(seal_of(facts_of(free_health_record(4)), **key));
  CHECK(verdict_of(not_held) == "valid");
  CHECK(stored_of(not_held) == "no");
  auto other_amount = facts_of(paid);
  other_amount.amount = Money{2500, "OMR"};
  auto differs = verify_text(seal_of(other_amount, **key));
  CHECK(verdict_of(differs) == "valid");
  CHECK(stored_of(differs) == "differs");
  CHECK(contains(differs.body, "amount"));

  // A picture of the printed receipt, uploaded as a browser does.
  std::string png = receipt_png(keys, facts_of(paid), seal);
  auto uploaded =
      console.post_multipart("/receipt-check?lang=en", session, {{"csrf", csrf}}, "picture", png);
  REQUIRE(uploaded.status == 200);
  CHECK(verdict_of(uploaded) == "valid");
  CHECK(stored_of(uploaded) == "matches");
  CHECK(contains(uploaded.body, paid.id));
  auto no_code = console.post_multipart("/receipt-check", session, {{"csrf", csrf}}, "picture",
                                        receipt_png(keys, facts_of(paid), ""));
  CHECK(verdict_of(no_code) == "no_qr_code");
  // Not a PNG, and larger than any other request may be (64 KiB): read whole, then refused.
  auto not_png = console.post_multipart("/receipt-check", session, {{"csrf", csrf}}, "picture",
                                        std::string(200 * 1024, 'x'));
  CHECK(not_png.status == 200);
  CHECK(verdict_of(not_png) == "no_qr_code");
  CHECK(contains(not_png.body, "not a readable PNG"));
  // Another route is still held to its own limit.
  CHECK(console
            .request("POST", "/tokens", session,
                     "csrf=" + csrf + "&kiosk_id=" + std::string(40 * 1024, 'k'))
            .status == 413);

  // The CSRF token is required, and must be the session's.
  CHECK(console.post_multipart("/receipt-check", session, {{"seal", seal}}).status == 403);
  CHECK(console
            .post_multipart("/receipt-check", session,
                            {{"csrf", std::string(64, '0')}, {"seal", seal}})
            .status == 403);
  CHECK(console.request("POST", "/receipt-check", session, "seal=x").status == 403);

  // The refused transaction: listed with its kiosk and reason, on its own page and on the
  // kiosk's; the card number on none.
  auto refusals = console.request("GET", "/refusals?lang=en", viewer);
  REQUIRE(refusals.status == 200);
  CHECK(contains(refusals.body, "data-transaction=\"" + card.id + "\""));
  CHECK(contains(refusals.body, "looks like a card number"));
  CHECK(contains(refusals.body, "href=\"/kiosk?id=kiosk-7\""));
  CHECK_FALSE(contains(refusals.body, "4111111111111111"));
  auto kiosk_page = console.request("GET", "/kiosk?id=kiosk-7", viewer);
  REQUIRE(kiosk_page.status == 200);
  CHECK(contains(kiosk_page.body, "id=\"kiosk-refusals\""));
  CHECK(contains(kiosk_page.body, card.id));
  CHECK_FALSE(contains(kiosk_page.body, "4111111111111111"));
  // The same batch again: still one row, seen twice.
  console.upload_batch(batch_json(**key, {signed_item(**key, card)}));
  auto again = console.request("GET", "/refusals?lang=en", viewer);
  auto row = again.body.find("data-transaction=\"" + card.id + "\"");
  REQUIRE(row != std::string::npos);
  CHECK(again.body.find("data-transaction=\"" + card.id + "\"", row + 1) == std::string::npos);
  CHECK(contains(again.body.substr(row, again.body.find("</tr>", row) - row), "<td>2</td>"));

  // Kiosk-12, enrolled through the portal: a token an operator issues in the console, then the
  // enrolment request with its CSR and device key; it uploads with the certificate it got.
  auto tokens_page = console.request("GET", "/tokens", session);
  auto issued = console.request(
      "POST", "/tokens", session,
      "kiosk_id=kiosk-12&hours=1&csrf=" + ConsoleFixture::csrf_of(tokens_page.body));
  REQUIRE(issued.status == 200);
  auto token = text_after(issued.body, "id=\"token\">", "0123456789abcdef");
  REQUIRE(token);
  auto tls_key = TlsClientKey::load_or_create(keys / "kiosk-12.key");
  auto device12 = DeviceKey::load_or_create(keys / "kiosk-12-device.pem");
  REQUIRE(tls_key);
  REQUIRE(device12);
  auto csr = (*tls_key)->certificate_request("kiosk-12");
  REQUIRE(csr);
  auto anonymous = HttpsClient::create(TlsOptions{console.ca_cert(), {}, {}});
  REQUIRE(anonymous);
  auto enrolled =
      (*anonymous)
          ->post_json(console.api_url() + std::string(portal_protocol::k_enroll_path),
                      portal_protocol::encode_enrolment(
                          {"kiosk-12", *token, *csr, base64_encode((*device12)->public_key())}),
                      std::chrono::seconds(10));
  REQUIRE(enrolled);
  REQUIRE_MESSAGE(enrolled->status == 200, enrolled->body);
  auto chain = nlohmann::json::parse(enrolled->body).at("certificate_chain").get<std::string>();
  auto chain_file = keys.write("kiosk-12.pem", chain);
  auto as_kiosk12 =
      HttpsClient::create(TlsOptions{console.ca_cert(), chain_file, keys / "kiosk-12.key"});
  REQUIRE(as_kiosk12);
  auto record12 = paid_record(7);
  record12.kiosk_id = "kiosk-12";
  auto stored12 =
      (*as_kiosk12)
          ->post_json(console.api_url() + std::string(portal_protocol::k_transactions_path),
                      batch_json(**device12, {signed_item(**device12, record12)}, "kiosk-12"),
                      std::chrono::seconds(10));
  REQUIRE(stored12);
  CHECK(stored12->status == 200);
  auto enrolled_valid = verify_text(seal_of(facts_of(record12), **device12));
  CHECK(verdict_of(enrolled_valid) == "valid");
  CHECK(stored_of(enrolled_valid) == "matches");
  // Kiosk-7's key is not kiosk-12's: a seal it signs in kiosk-12's name is refused.
  CHECK(verdict_of(verify_text(seal_of(facts_of(record12), **key))) == "bad_signature");

  // Each verification is in the audit log, with its verdict.
  auto audit = console.request("GET", "/audit?lang=en", session);
  REQUIRE(audit.status == 200);
  CHECK(contains(audit.body, "data-action=\"receipt_verified\""));
  CHECK(contains(audit.body, "valid kiosk-7 " + paid.id));
  CHECK(contains(audit.body, "bad_signature kiosk-7 " + paid.id));
  CHECK(contains(audit.body, "no_qr_code - -"));
}

}  // namespace

TEST_CASE("transactions, receipts and refusals in the console on a SQLite file") {
  ConsoleFixture console;
  exercise_receipts(console);
}

TEST_CASE("transactions, receipts and refusals in the console on PostgreSQL") {
  PrivatePostgres postgres;
  ConsoleFixture console(postgres.create_database("console"));
  exercise_receipts(console);
}
