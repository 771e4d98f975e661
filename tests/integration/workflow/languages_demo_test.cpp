// The demo services completed end to end in other languages on the real headless kiosk: the
// health appointment in Urdu (picked on the attract screen) and in Malayalam (picked with a
// step's language button in the middle of the service); the municipal fees paid by card and the
// birth certificate (ID card, card payment, queue ticket) in Tamil and in Farsi. Each
// transaction is stored in the real SQLite store and its receipt or ticket printed in the
// language picked.
#include <doctest/doctest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view k_config =
    "[kiosk]\nid = \"MCT-07\"\ndata_dir = \"data\"\n"
    "languages = [\"ar\", \"en\", \"ur\", \"hi\", \"bn\", \"ml\", \"ta\", \"fa\", \"tl\"]\n"
    "[shell]\nattract_cycle_seconds = 600\n";

// The health appointment, from its first step to the end; `switch_language` runs on its first
// step (empty: none).
std::string appointment(std::string_view switch_language) {
  return "tap @start\ntap @option:jordan.health.appointment\n" + std::string(switch_language) +
         "shot intro\ntap @primary\ntap @national_id\ntype 9861031236\ntap @key:enter\n"
         "tap @governorate:choice:amman\ntap @phone\ntype 0791234567\ntap @key:enter\n"
         "shot form\ntap @primary\ntap @clinic:choice:general\ntap @has_chronic:choice:no\n"
         "tap @primary\nshot review\ntap @primary\nwait 1500\nshot done\ntap @primary\n";
}

struct Walk {
  std::string log;
  std::vector<testing::Image> receipts;
  std::vector<TransactionRecord> records;
};

Walk walk(const testing::TempDir& dir, const std::string& script) {
  auto config = dir.write("kiosk.toml", k_config);
  auto script_file = dir.write("script.txt", script);
  testing::ChildProcess kiosk(
      {SHUBBAK_RUNTIME_BIN, "--demo", "--headless", "--config", config.string(), "--script",
       script_file.string(), "--out", (dir / "shots").string()},
      dir.path());
  auto code = kiosk.wait(90s);
  Walk out{kiosk.stderr_text(), {}, {}};
  INFO(out.log);
  REQUIRE(code == 0);
  testing::KioskStore store(dir / "data", "MCT-07");
  out.records = store.transactions(10);
  // Printed pages in the order of their transactions: each one's receipt, then its ticket.
  for (const auto& record : out.records) {
    for (std::string kind : {"receipt-", "ticket-"}) {
      for (const auto& entry : std::filesystem::directory_iterator(dir / "data/receipts")) {
        if (!entry.path().filename().string().starts_with(kind + record.id)) continue;
        auto image = testing::load_png(entry.path());
        REQUIRE(image);
        out.receipts.push_back(*image);
      }
    }
  }
  return out;
}

void check_appointment_stored(const Walk& w) {
  REQUIRE(w.records.size() == 1);
  CHECK(w.records[0].service_id == "jordan.health.appointment");
  CHECK(w.records[0].amount.minor_units == 0);
  bool general = false;
  for (const auto& [name, value] : w.records[0].fields)
    general |= name == "clinic" && value == "general";
  CHECK(general);
  REQUIRE(w.receipts.size() == 1);
  CHECK(w.receipts[0].width == 576);
}

}  // namespace

TEST_CASE("a citizen completes the health appointment in Urdu, picked on the attract screen") {
  testing::TempDir dir;
  Walk urdu = walk(dir, "tap @language:ur\nshot welcome\n" + appointment("") + "quit\n");
  INFO(urdu.log);
  CHECK(urdu.log.find("language switched to ur") != std::string::npos);
  check_appointment_stored(urdu);

  // The same walk in Arabic: the Urdu screens and receipt are not the Arabic ones.
  testing::TempDir arabic_dir;
  Walk arabic = walk(arabic_dir, appointment("") + "quit\n");
  check_appointment_stored(arabic);
  for (const char* shot : {"form", "review", "done"}) {
    auto a = testing::load_png(arabic_dir / "shots" / (std::string(shot) + ".png"));
    auto u = testing::load_png(dir / "shots" / (std::string(shot) + ".png"));
    REQUIRE(a);
    REQUIRE(u);
    CHECK_MESSAGE(testing::count_differences(*a, *u) > 1000, shot);
  }
  // The receipts differ in their pixels, or already in their length (-1).
  long receipt_differences = testing::count_differences(arabic.receipts[0], urdu.receipts[0]);
  CHECK((receipt_differences < 0 || receipt_differences > 1000));
}

TEST_CASE(
    "a citizen switches to Malayalam in the middle of a service with one tap and completes it") {
  testing::TempDir dir;
  Walk malayalam = walk(
      dir, appointment("shot before\ntap @language\nshot picker\ntap @language:ml\nwait 200\n") +
               "quit\n");
  INFO(malayalam.log);
  CHECK(malayalam.log.find("language switched to ml") != std::string::npos);
  check_appointment_stored(malayalam);
  auto before = testing::load_png(dir / "shots/before.png");
  auto picker = testing::load_png(dir / "shots/picker.png");
  auto after = testing::load_png(dir / "shots/intro.png");
  REQUIRE(before);
  REQUIRE(picker);
  REQUIRE(after);
  CHECK(testing::count_differences(*before, *picker) > 1000);  // the picker opened
  CHECK(testing::count_differences(*before, *after) > 1000);   // the step, now in Malayalam
}

namespace {

// The municipal fees paid by card on the simulated terminal, then the birth certificate with the
// demo ID card in the simulated reader; `language` picked on the attract screen both times.
std::string fees_and_certificate(std::string_view language) {
  std::string pick = "tap @language:" + std::string(language) + "\n";
  return pick + "tap @start\ntap @option:muscat.municipality.fees\ntap @primary\n" +
         "tap @option:waste\ntap @account_number\ntype 12345678\ntap @key:enter\n" +
         "tap @primary\nshot fees-review\ntap @primary\nshot fees-pay\ntap @option:terminal\n" +
         "wait 1500\nshot fees-done\ntap @primary\n" + pick +
         "tap @start\ntap @option:oman.civil-status.birth-certificate\ntap @primary\n" +
         "wait 1500\nshot certificate-details\ntap @certificate_for:choice:self\n" +
         "tap @primary\nshot certificate-review\ntap @primary\nwait 1500\n" +
         "shot certificate-done\ntap @primary\nquit\n";
}

std::string field(const TransactionRecord& record, std::string_view name) {
  for (const auto& [key, value] : record.fields) {
    if (key == name) return value;
  }
  return "<none>";
}

void check_fees_and_certificate_stored(const Walk& w) {
  REQUIRE(w.records.size() == 2);
  CHECK(w.records[0].service_id == "muscat.municipality.fees");
  CHECK(w.records[0].amount == Money{2500, "OMR"});
  CHECK_FALSE(w.records[0].payment_reference.empty());
  CHECK(field(w.records[0], "payment_method") == "terminal");
  CHECK(field(w.records[0], "account_number") == "12345678");
  CHECK(w.records[1].service_id == "oman.civil-status.birth-certificate");
  CHECK(w.records[1].amount == Money{1000, "OMR"});
  CHECK(field(w.records[1], "national_id") == "9861031234");  // read from the ID card
  CHECK(w.receipts.size() == 2);  // the fee's receipt and the certificate's queue ticket
}

}  // namespace

TEST_CASE(
    "a citizen pays the municipal fees by card and gets a birth certificate in Tamil, "
    "another in Farsi") {
  testing::TempDir tamil_dir, farsi_dir;
  Walk tamil = walk(tamil_dir, fees_and_certificate("ta"));
  Walk farsi = walk(farsi_dir, fees_and_certificate("fa"));
  INFO(tamil.log);
  INFO(farsi.log);
  CHECK(tamil.log.find("language switched to ta") != std::string::npos);
  CHECK(farsi.log.find("language switched to fa") != std::string::npos);
  check_fees_and_certificate_stored(tamil);
  check_fees_and_certificate_stored(farsi);
  // Every screen of the two walks is drawn in its own language: no screen fell back to one
  // language for both.
  for (const char* shot : {"fees-review", "fees-pay", "fees-done", "certificate-details",
                           "certificate-review", "certificate-done"}) {
    auto t = testing::load_png(tamil_dir / "shots" / (std::string(shot) + ".png"));
    auto f = testing::load_png(farsi_dir / "shots" / (std::string(shot) + ".png"));
    REQUIRE(t);
    REQUIRE(f);
    CHECK_MESSAGE(testing::count_differences(*t, *f) > 1000, shot);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    long differences = testing::count_differences(tamil.receipts[i], farsi.receipts[i]);
    CHECK((differences < 0 || differences > 1000));
  }
}
