// The demo services completed end to end in other languages on the real headless kiosk: the
// health appointment in Urdu (picked on the attract screen) and in Malayalam (picked with a
// step's language button in the middle of the service); then every demo service (the municipal
// fees paid by card, the birth certificate with the ID card and its queue ticket, the health
// appointment) in every language, one citizen after another. Each transaction is stored in the
// real SQLite store, its receipt or ticket printed in the language picked, and no line of text
// is drawn wider than its box on any screen.
#include <doctest/doctest.h>

#include "kiosk/core/language.hpp"
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

Walk walk(const testing::TempDir& dir, const std::string& script,
          std::chrono::seconds limit = 90s) {
  auto config = dir.write("kiosk.toml", k_config);
  auto script_file = dir.write("script.txt", script);
  testing::ChildProcess kiosk(
      {SHUBBAK_RUNTIME_BIN, "--demo", "--headless", "--config", config.string(), "--script",
       script_file.string(), "--out", (dir / "shots").string()},
      dir.path());
  auto code = kiosk.wait(limit);
  Walk out{kiosk.stderr_text(), {}, {}};
  INFO(out.log);
  REQUIRE(code == 0);
  testing::KioskStore store(dir / "data", "MCT-07");
  out.records = store.transactions(100);
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

// The three demo services, each by a citizen who picks `language` on the attract screen; a
// screenshot of the payment step, the certificate's end and the appointment's review, named after
// the language.
std::string every_service(Language language) {
  const std::string code(to_string(language));
  const std::string pick = "tap @language:" + code + "\n";
  return pick + "tap @start\ntap @option:muscat.municipality.fees\ntap @primary\n" +
         "tap @option:waste\ntap @account_number\ntype 12345678\ntap @key:enter\n" +
         "tap @primary\ntap @primary\nshot " + code + "-fees-pay\ntap @option:terminal\n" +
         "wait 1200\ntap @primary\n" + pick +
         "tap @start\ntap @option:oman.civil-status.birth-certificate\ntap @primary\n" +
         "wait 1200\ntap @certificate_for:choice:self\ntap @primary\ntap @primary\n" +
         "wait 1200\nshot " + code + "-certificate-done\ntap @primary\n" + pick +
         "tap @start\ntap @option:jordan.health.appointment\ntap @primary\n" +
         "tap @national_id\ntype 9861031236\ntap @key:enter\ntap @governorate:choice:amman\n" +
         "tap @phone\ntype 0791234567\ntap @key:enter\ntap @primary\n" +
         "tap @clinic:choice:general\ntap @has_chronic:choice:no\ntap @primary\nshot " + code +
         "-health-review\ntap @primary\nwait 1000\ntap @primary\n";
}

std::string field(const TransactionRecord& record, std::string_view name) {
  for (const auto& [key, value] : record.fields) {
    if (key == name) return value;
  }
  return "<none>";
}

}  // namespace

TEST_CASE(
    "every demo service in every language: paid, read from the ID card, free; all stored, "
    "all printed, no text over its box") {
  testing::TempDir dir;
  std::string script;
  for (Language language : k_languages) script += every_service(language);
  Walk all = walk(dir, script + "quit\n", 240s);
  INFO(all.log);
  for (Language language : k_languages) {
    if (language == Language::ar) continue;  // the kiosk's own language: no switch to log
    CHECK(all.log.find("language switched to " + std::string(to_string(language))) !=
          std::string::npos);
  }
  // No line of text ran over its button, label or field on any screen in any language.
  CHECK(all.log.find(" 0 lines drawn wider than their box") != std::string::npos);

  constexpr std::size_t count = std::size(k_languages);
  REQUIRE(all.records.size() == 3 * count);
  for (std::size_t i = 0; i < count; ++i) {
    CAPTURE(to_string(k_languages[i]));
    const auto& fee = all.records[3 * i];
    const auto& certificate = all.records[3 * i + 1];
    const auto& appointment = all.records[3 * i + 2];
    CHECK(fee.service_id == "muscat.municipality.fees");
    CHECK(fee.amount == Money{2500, "OMR"});
    CHECK(field(fee, "payment_method") == "terminal");
    CHECK_FALSE(fee.payment_reference.empty());
    CHECK(field(fee, "account_number") == "12345678");
    CHECK(certificate.service_id == "oman.civil-status.birth-certificate");
    CHECK(certificate.amount == Money{1000, "OMR"});
    CHECK(field(certificate, "national_id") == "9861031234");  // read from the ID card
    CHECK(appointment.service_id == "jordan.health.appointment");
    CHECK(appointment.amount.minor_units == 0);
    CHECK(field(appointment, "clinic") == "general");
  }
  // The fee's receipt, the certificate's queue ticket and the appointment's receipt each time.
  REQUIRE(all.receipts.size() == 3 * count);

  // Each language's screens and pages are its own: none is another language's (a fallback to
  // English or Arabic for every text would make two the same).
  for (const char* shot : {"fees-pay", "certificate-done", "health-review"}) {
    std::vector<testing::Image> shots;
    for (Language language : k_languages) {
      auto image = testing::load_png(dir / "shots" /
                                     (std::string(to_string(language)) + "-" + shot + ".png"));
      REQUIRE(image);
      shots.push_back(*image);
    }
    for (std::size_t a = 0; a < count; ++a) {
      for (std::size_t b = a + 1; b < count; ++b) {
        CAPTURE(shot);
        CAPTURE(to_string(k_languages[a]));
        CAPTURE(to_string(k_languages[b]));
        CHECK(testing::count_differences(shots[a], shots[b]) > 1000);
      }
    }
  }
  for (std::size_t page = 0; page < 3; ++page) {
    for (std::size_t a = 0; a < count; ++a) {
      for (std::size_t b = a + 1; b < count; ++b) {
        long differences =
            testing::count_differences(all.receipts[3 * a + page], all.receipts[3 * b + page]);
        CHECK((differences < 0 || differences > 1000));
      }
    }
  }
}
