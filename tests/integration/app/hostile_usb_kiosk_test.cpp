// The whole kiosk with hostile USB devices attached: the real `shubbak` binary, headless, run
// by this test under umockdev's preload, so the kiosk's libusb talks to devices this process
// emulates. A device whose descriptors lie sits on the bus from the start, the card reader
// holds a card that answers every T=1 block with an IFS request, and the scanner is pulled
// out and put back while the kiosk runs. The kiosk must reach its first frame once, keep
// running, end the hostile card read with "the card could not be read", serve the next citizen
// a whole service (a stored transaction and a printed receipt) and stop cleanly.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/usb/fake_ccid_reader.hpp"
#include "tests/support/usb/fake_hid_keyboard.hpp"
#include "tests/support/usb/lying_descriptors.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::size_t count_matches(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

constexpr std::string_view k_config = R"([kiosk]
data_dir = "data"
id = "HOSTILE-01"
[shell]
attract_cycle_seconds = 600
[usb]
allow = ["class:0b", "1d6b:0c3b"]
[card]
reader = "ccid://1d6b:0c2c"
[scanner]
reader = "hid://1d6b:0c3b"
[ui]
speech = "off"
)";

// First a pause while the test pulls the scanner out and puts it back; then a citizen whose
// card never finishes a read; then one who books a free health appointment (the demo's
// third citizen). The end of the script stops the kiosk with exit code 0.
constexpr std::string_view k_script = R"(wait 8000
tap @start
tap @option:oman.civil-status.birth-certificate
tap @primary
wait 1500
shot card-failed
tap @primary
tap @start
tap @option:jordan.health.appointment
tap @primary
tap @national_id
type 9861031236
tap @key:enter
tap @governorate:choice:amman
tap @phone
type 0791234567
tap @key:enter
tap @primary
tap @clinic:choice:general
tap @has_chronic:choice:no
tap @primary
tap @primary
wait 1500
shot health-done
tap @primary
)";

std::size_t files_in(const fs::path& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return 0;
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(directory, ec)) n += entry.is_regular_file();
  return n;
}

}  // namespace

TEST_CASE("the kiosk keeps serving with a lying device, a hostile card and a flapping scanner") {
  UsbTestbed testbed;
  auto liar = std::make_shared<Untouchable>();
  testbed.plug(2, lying_descriptors(0x1D6B, 0x0BAD, 3), liar);
  auto reader = std::make_shared<FakeCcidReader>(
      FakeCcidConfig{.product_id = 0x0C2C, .exchange = FakeExchange::tpdu_t1},
      SimulatedCard::demo_id_card());
  reader->t1_ifs_requests(1000000);  // for ever, as far as any read can tell
  testbed.plug(3, reader->descriptors(), reader);
  auto scanner = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  auto& scanner_device = testbed.plug(4, scanner->descriptors(), scanner);

  TempDir dir;
  auto config = dir.write("kiosk.toml", k_config);
  auto script = dir.write("script.txt", k_script);
  ChildProcess kiosk({SHUBBAK_RUNTIME_BIN, "--headless", "--config", config.string(), "--script",
                      script.string(), "--out", (dir / "shots").string()},
                     dir.path());
  auto describe = [&] { return "stderr:\n" + kiosk.stderr_text(); };
  REQUIRE_MESSAGE(kiosk.wait_for_stderr("ready: the first frame is on the screen", 30s),
                  describe());
  REQUIRE_MESSAGE(kiosk.wait_for_stderr("(1d6b:0c2c) attached", 10s), describe());

  // The scanner leaves and comes back while the kiosk waits: noticed, looked for, re-opened.
  testbed.unplug(scanner_device);
  CHECK_MESSAGE(kiosk.wait_for_stderr("scanner gone", 5s), describe());
  auto again = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  testbed.plug(5, again->descriptors(), again);
  CHECK_MESSAGE(kiosk.wait_for_stderr("scanner back", 5s), describe());

  auto code = kiosk.wait(90s);
  std::string err = kiosk.stderr_text();
  INFO(err);
  CHECK(code == 0);  // neither crashed nor killed for overstaying
  // One start: no crash and restart inside this run.
  CHECK(count_matches(err, "ready: the first frame is on the screen") == 1);
  // The liar is refused and logged once, however often the bus is listed meanwhile (the
  // scanner was looked for every 500 ms while it was away).
  CHECK(count_matches(err, "0bad") == 1);
  CHECK(liar->touched == 0);
  CHECK(scanner->driver_was_detached());
  // The hostile card's read ended with an error, after a bounded number of exchanges.
  CHECK(count_matches(err, "card read with profile demo-national-id failed") == 1);
  CHECK(reader->xfr_blocks() < 200);
  CHECK(count_matches(err, R"(device.fault {"device":"card_reader","error":"device"})") == 1);
  // The next citizen was served whole: stored, and the receipt printed.
  CHECK(count_matches(err, "transaction ") >= 1);
  CHECK(err.find("stored (sequence 1)") != std::string::npos);
  CHECK(files_in(dir / "data" / "receipts") == 1);
  CHECK(fs::exists(dir / "shots" / "card-failed.png"));
  CHECK(fs::exists(dir / "shots" / "health-done.png"));
}
