// Technician mode in the real `shubbak` binary, headless, driven by a touch script: the hidden
// gesture, the PIN, the diagnostics screen in English and Arabic, the out-of-service round trip,
// the log export (whose diagnostics report carries the store's real outbox depth), and the idle
// logout back to the attract screen. Every step is audited.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/crypto/pin_hash.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "provisioning/shubbakctl/repository.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kiosk_store.hpp"
#include "tests/support/png_image.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::ChildProcess;

namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr std::string_view k_gesture =
    "tap @technician_corner\ntap @technician_corner\ntap @technician_corner\ntap "
    "@technician_corner\n"
    "tap @technician_corner\n";

std::string pin_taps(std::string_view pin) {
  std::string taps;
  for (char digit : pin) taps += fmt::format("tap @pin:{}\n", digit);
  return taps + "tap @pin:enter\n";
}

// Three transactions waiting for upload in the kiosk's own store (same files it opens).
void seed_store(const std::filesystem::path& data_dir) {
  testing::KioskStore kiosk(data_dir, "MCT-07");
  for (int i = 0; i < 3; ++i) {
    TransactionDraft draft;
    draft.service_id = "muscat.municipality.fees";
    draft.service_version = "1.0.0";
    draft.amount = Money{1250 + i, "OMR"};
    draft.payment_reference = "APPROVAL-" + std::to_string(i);
    REQUIRE(kiosk.store->commit(draft));
  }
}

}  // namespace

TEST_CASE(
    "gesture, PIN, diagnostics in both languages, out of service and back, export, idle logout") {
  testing::TempDir dir;
  auto hash = hash_pin("864209", {10, 8, 1});
  REQUIRE(hash);
  std::filesystem::create_directories(dir / "usb");
  seed_store(dir / "data");
  auto config =
      dir.write("kiosk.toml", fmt::format("[kiosk]\nid = \"MCT-07\"\ndata_dir = \"data\"\n"
                                          "[technician]\npin_hash = \"{}\"\nidle_seconds = 3\n"
                                          "export_dir = \"usb\"\n",
                                          *hash));
  std::string script = "tap @language\n" + std::string(k_gesture) + "shot pin-en\n" +
                       pin_taps("111111") + "wait 600\nshot pin-wrong-en\n" + pin_taps("864209") +
                       "wait 1200\nshot technician-en\n" +
                       "tap @action:language\nwait 1200\nshot technician-ar\n" +
                       "tap @action:out_of_service\nwait 300\nshot out-of-service-ar\n" +
                       "tap @action:out_of_service\nwait 300\n" +
                       "tap @action:export\nwait 1500\nshot exported-ar\n" +
                       // Untouched for longer than idle_seconds: back to the attract screen,
                       // where (and only where) the language button is.
                       "wait 3500\ntap @language\nshot after-idle\n";
  auto script_file = dir.write("script.txt", script);
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script_file.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto code = kiosk.wait(60s);
  std::string log = kiosk.stderr_text();
  INFO(log);
  REQUIRE(code == 0);

  for (const char* shot : {"pin-en", "pin-wrong-en", "technician-en", "technician-ar",
                           "out-of-service-ar", "exported-ar", "after-idle"}) {
    CAPTURE(shot);
    CHECK(std::filesystem::exists(dir / "shots" / (std::string(shot) + ".png")));
  }
  auto pin = testing::load_png(dir / "shots/pin-en.png");
  auto wrong = testing::load_png(dir / "shots/pin-wrong-en.png");
  auto english = testing::load_png(dir / "shots/technician-en.png");
  auto arabic = testing::load_png(dir / "shots/technician-ar.png");
  REQUIRE((pin && wrong && english && arabic));
  CHECK(testing::count_differences(*pin, *wrong) > 500);  // the "wrong PIN" line appeared
  CHECK(testing::count_differences(*english, *arabic) > 5000);

  // The audit trail, in order: one wrong PIN, one granted, the toggles, the export, the idle
  // logout.
  auto wrong_at = log.find("technician.login {\"result\":\"wrong\"}");
  auto granted_at = log.find("technician.login {\"result\":\"granted\"}");
  CHECK(wrong_at != std::string::npos);
  CHECK(granted_at != std::string::npos);
  CHECK(wrong_at < granted_at);
  CHECK(log.find("\"action\":\"out_of_service\"") != std::string::npos);
  CHECK(log.find("out of service: out_of_service.technician") != std::string::npos);
  CHECK(log.find("\"action\":\"back_in_service\"") != std::string::npos);
  CHECK(log.find("no longer held out of service") != std::string::npos);
  CHECK(log.find("technician.logout {\"reason\":\"idle\"}") != std::string::npos);
  CHECK(log.find("864209") == std::string::npos);  // the PIN is never logged
  CHECK(log.find("111111") == std::string::npos);

  // The export: one directory with the audit log and the diagnostics report, real values in it.
  std::vector<std::filesystem::path> exports;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "usb"))
    exports.push_back(entry.path());
  REQUIRE(exports.size() == 1);
  CHECK(exports[0].filename().string().starts_with("shubbak-MCT-07-"));
  std::string report = read(exports[0] / "diagnostics.txt");
  CHECK(report.find("kiosk: MCT-07\n") != std::string::npos);
  CHECK(report.find("outbox_depth: 3\n") != std::string::npos);
  CHECK(report.find("quarantined: 0\n") != std::string::npos);
  CHECK(report.find("printer: ok\n") != std::string::npos);
  CHECK(report.find("free_disk_bytes: ") != std::string::npos);
  std::string audit = read(exports[0] / "audit-log.jsonl");
  CHECK(audit.find("\"kind\":\"transaction.submit\"") != std::string::npos);
  CHECK(audit.find("technician.login") != std::string::npos);
  CHECK(audit.find("864209") == std::string::npos);
}

TEST_CASE("without a PIN hash the gesture does nothing: technician mode fails closed") {
  testing::TempDir dir;
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  // After the gesture the welcome screen is still there: its start button can be tapped.
  auto script_file = dir.write("script.txt", std::string(k_gesture) + "tap @start\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script_file.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto code = kiosk.wait(30s);
  INFO(kiosk.stderr_text());
  CHECK(code == 0);
  CHECK(kiosk.stderr_text().find("technician mode is disabled") != std::string::npos);
}

namespace {

// An admin's repository with one service, published onto the "USB stick" of `dir`.
void publish_to_stick(const testing::TempDir& dir) {
  auto repository = repo::Repository::init(dir / "admin/repo", dir / "admin/keys", {});
  REQUIRE(repository);
  std::filesystem::path bundle =
      std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/jordan.health.appointment.json";
  REQUIRE(repository->add_target("services/jordan-health/appointment.json", bundle, "targets"));
  REQUIRE(repository->commit());
  REQUIRE(repository->publish(dir / "usb/repository"));
}

std::filesystem::path usb_config(testing::TempDir& dir) {
  auto hash = hash_pin("864209", {10, 8, 1});
  REQUIRE(hash);
  return dir.write("kiosk.toml",
                   fmt::format("[kiosk]\nid = \"MCT-09\"\ndata_dir = \"data\"\nlanguage = \"en\"\n"
                               "[updates]\ntrusted_root = \"{}\"\n"
                               "[technician]\npin_hash = \"{}\"\nexport_dir = \"usb\"\n",
                               (dir / "admin/repo/metadata/root.json").string(), *hash));
}

}  // namespace

TEST_CASE("a technician applies a service repository from a USB stick, verified as updates are") {
  testing::TempDir dir;
  publish_to_stick(dir);
  auto config = usb_config(dir);
  auto script = dir.write("script.txt", std::string(k_gesture) + pin_taps("864209") +
                                            "wait 1200\ntap @action:usb\nwait 3000\nshot usb-en\n"
                                            "tap @action:logout\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto code = kiosk.wait(60s);
  std::string log = kiosk.stderr_text();
  INFO(log);
  REQUIRE(code == 0);
  CHECK(log.find("technician applies the repository at " + (dir / "usb/repository").string()) !=
        std::string::npos);
  CHECK(log.find("service set 1 ready") != std::string::npos);
  CHECK(log.find("technician screen: Update check finished. Current service set: 1") !=
        std::string::npos);
  CHECK(log.find("out of service: out_of_service.no_services") != std::string::npos);
  CHECK(log.find("3 service(s) from") == std::string::npos);  // never the unsigned demo ones
  CHECK(read(dir / "data/services/current/jordan-health/appointment.json") ==
        read(std::string(SHUBBAK_SOURCE_DIR) + "/assets/services/jordan.health.appointment.json"));
  CHECK(log.find("\"action\":\"usb_update\",\"result\":\"started\"") != std::string::npos);
}

TEST_CASE("a tampered USB repository is refused with the reason, in English and in Arabic") {
  testing::TempDir dir;
  publish_to_stick(dir);
  // One byte of the bundle changed after signing: its hashes no longer match the signed ones.
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir / "usb/repository/targets")) {
    if (!entry.is_regular_file()) continue;
    std::string text = read(entry.path());
    auto at = text.find("jordan-health");
    REQUIRE(at != std::string::npos);
    text[at] = 'J';
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << text;
  }
  auto config = usb_config(dir);
  auto script =
      dir.write("script.txt", std::string(k_gesture) + pin_taps("864209") +
                                  "wait 1200\ntap @action:usb\nwait 3000\nshot refused-en\n"
                                  "tap @action:language\nwait 1200\ntap @action:usb\nwait 3000\n"
                                  "shot refused-ar\ntap @action:logout\n");
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto code = kiosk.wait(60s);
  std::string log = kiosk.stderr_text();
  INFO(log);
  REQUIRE(code == 0);
  CHECK(log.find("technician screen: Update refused, nothing changed: signatures or hashes do not "
                 "verify") != std::string::npos);
  CHECK(log.find("technician screen: رُفض التحديث ولم يتغيّر شيء: التواقيع أو البصمات لا "
                 "تتطابق") != std::string::npos);
  CHECK(log.find("services/jordan-health/appointment.json") != std::string::npos);  // the detail
  CHECK_FALSE(std::filesystem::exists(dir / "data/services/current"));
  auto english = testing::load_png(dir / "shots/refused-en.png");
  auto arabic = testing::load_png(dir / "shots/refused-ar.png");
  REQUIRE((english && arabic));
  CHECK(testing::count_differences(*english, *arabic) > 5000);
}
