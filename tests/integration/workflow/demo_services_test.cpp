// Each demo service completed by touches on the real headless kiosk (the real `shubbak` binary
// running its demo script), producing the right transactions in the real SQLite store, the
// receipts and the ticket on the simulated printer, and no payment left open.
#include <doctest/doctest.h>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/payment_intents.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {
std::string field(const TransactionRecord& r, const std::string& name) {
  for (const auto& [k, v] : r.fields) {
    if (k == name) return v;
  }
  return "<none>";
}
}  // namespace

TEST_CASE(
    "the demo walks three citizens through the three services and stores their transactions") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\nid = \"MCT-07\"\ndata_dir = \"data\"\n");
  testing::ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--demo", "--headless", "--config",
                               config.string(), "--out", (dir / "shots").string()},
                              dir.path());
  auto code = kiosk.wait(90s);
  INFO(kiosk.stderr_text());
  REQUIRE(code == 0);
  CHECK(kiosk.stdout_text().find("demo: 21 screenshot(s)") != std::string::npos);
  // No line of text ran over its button, label or field on any of the demo's screens.
  CHECK(kiosk.stderr_text().find(" 0 lines drawn wider than their box") != std::string::npos);
  for (const char* shot :
       {"04-fees-intro", "06-fees-form-keyboard", "07-fees-review", "08-fees-pay", "09-fees-done",
        "10-certificate-details", "11-certificate-review", "12-certificate-done",
        "13-health-about-you", "14-health-clinic", "15-health-review", "16-health-done",
        "17-fees-reference-done", "18-welcome-again", "19-technician-pin", "20-technician-ar",
        "21-technician-en"}) {
    CAPTURE(shot);
    auto image = testing::load_png(dir / "shots" / (std::string(shot) + ".png"));
    REQUIRE(image);
    CHECK(image->width == 1920);
  }

  // The transactions, from the kiosk's own journal, in order.
  testing::KioskStore kiosk_store(dir / "data", "MCT-07");
  auto records = kiosk_store.transactions(10);
  REQUIRE(records.size() == 4);

  CHECK(records[0].service_id == "muscat.municipality.fees");
  CHECK(records[0].kiosk_id == "MCT-07");
  CHECK(records[0].amount == Money{2500, "OMR"});  // waste collection, one month
  CHECK_FALSE(records[0].payment_reference.empty());
  CHECK(field(records[0], "fee_type") == "waste");
  CHECK(field(records[0], "account_number") == "12345678");
  CHECK(field(records[0], "payment_method") == "terminal");

  CHECK(records[1].service_id == "oman.civil-status.birth-certificate");
  CHECK(records[1].amount == Money{1000, "OMR"});
  CHECK(field(records[1], "national_id") == "9861031234");  // read from the ID card
  CHECK(field(records[1], "certificate_for") == "self");
  // The name on the card was shown to the citizen but is not in `record`: it is not kept.
  CHECK(field(records[1], "name_ar") == "<none>");

  CHECK(records[2].service_id == "jordan.health.appointment");
  CHECK(records[2].amount.minor_units == 0);
  CHECK(records[2].payment_reference.empty());
  CHECK(field(records[2], "clinic") == "general");
  CHECK(field(records[2], "national_id") == "9861031236");
  CHECK(records[0].sequence < records[1].sequence);
  CHECK(records[1].sequence < records[2].sequence);

  // Paid later with a reference: the amount is recorded with the reference, no card involved.
  CHECK(records[3].service_id == "muscat.municipality.fees");
  CHECK(records[3].amount == Money{25000, "OMR"});
  CHECK(field(records[3], "fee_type") == "shop_licence");
  CHECK(field(records[3], "payment_method") == "reference");
  CHECK(records[3].payment_reference.starts_with("MCT-07-"));

  // Two receipts and one queue ticket on the simulated printer, 80 mm wide.
  int receipts = 0, tickets = 0, reference_receipts = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "data/receipts")) {
    auto image = testing::load_png(entry.path());
    REQUIRE(image);
    CHECK(image->width == 576);
    std::string name = entry.path().filename().string();
    receipts += name.starts_with("receipt-" + records[0].id) ||
                name.starts_with("receipt-" + records[2].id);
    reference_receipts += name.starts_with("receipt-" + records[3].id);
    tickets += name.starts_with("ticket-" + records[1].id);
  }
  CHECK(receipts == 2);  // (and the reference payment's receipt)
  CHECK(tickets == 1);
  CHECK(reference_receipts == 1);

  // Each receipt carries its transaction's seal, signed by the kiosk's device key: the real
  // `shubbakctl receipt verify` reads it off the printed PNG.
  auto public_pem = dir.write("device-public.pem", kiosk_store.key->public_key_pem());
  for (const auto& [record, amount] : {std::pair{records[0], std::string("2.500 OMR")},
                                       std::pair{records[2], std::string("none (a free service)")},
                                       std::pair{records[3], std::string("25.000 OMR")}}) {
    CAPTURE(record.id);
    std::filesystem::path printed;  // receipt-<transaction>-<counter reference>.png
    for (const auto& entry : std::filesystem::directory_iterator(dir / "data/receipts")) {
      if (entry.path().filename().string().starts_with("receipt-" + record.id + "-"))
        printed = entry.path();
    }
    REQUIRE_FALSE(printed.empty());
    testing::ChildProcess verify(
        {SHUBBAKCTL_BIN, "receipt", "verify", printed.string(), "--key", public_pem.string()},
        dir.path());
    REQUIRE(verify.wait(30s) == 0);
    std::string out = verify.stdout_text();
    CHECK(out.find("transaction: " + record.id + "\n") != std::string::npos);
    CHECK(out.find("service:     " + record.service_id + "\n") != std::string::npos);
    CHECK(out.find("amount:      " + amount + "\n") != std::string::npos);
    CHECK(out.find("kiosk:       MCT-07\n") != std::string::npos);
    CHECK(out.ends_with("valid\n"));
  }
  // The audit chain verifies and holds each citizen's start, submit, print and end.
  auto audit = kiosk_store.store->verify_audit();
  REQUIRE(audit);
  CHECK_FALSE(audit->broken.has_value());
  // The kiosk opened the store, four sessions wrote four events each, the technician logged in,
  // printed a test page (the print and the action), logged out, and this test opened it again;
  // the two card payments were settled by the commits of their transactions.
  CHECK(audit->entries == 1 + 4 * 4 + 4 + 1 + 2);

  // Both card payments are part of their transactions, settled in the same commit: nothing left
  // open to reconcile, and no payment files beside the store.
  PaymentIntentTable intents(*kiosk_store.store);
  auto open = intents.unresolved();
  REQUIRE(open);
  CHECK(open->empty());
  for (const auto& record : records) {
    if (field(record, "payment_method") != "terminal") continue;
    auto intent = intents.find(record.payment_reference);
    REQUIRE(intent);
    REQUIRE(intent->has_value());
    CHECK((*intent)->state == "settled");
    CHECK((*intent)->transaction_id == record.id);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "data/payments"));
}
