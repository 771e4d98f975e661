// Keyboard-mode scanners over emulated USB: a QR payload typed by a scanner arrives whole on
// the event loop; a magstripe swipe of a test payment card is dropped and leaves no trace in
// the logs, anywhere in the process's writable memory, or the transaction database and its WAL.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "drivers/hid/hid_scanner.hpp"
#include "drivers/usb/usb_context.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/usb/fake_hid_keyboard.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

// The swipe of the test card 4111 1111 1111 1111, kept shifted by one character ('4' is '5',
// ';' is '<') so that the clear card number never sits in this test's own memory: the memory
// scan below must only find what the code under test left behind. Decoded a key at a time.
constexpr std::string_view k_swipe_shifted = "<5222222222222222>3:232121111123456789@";
// What the scan looks for, shifted likewise: the first 12 digits of the card number, and its
// last 10 with the start of the track's expiry field ("1111111111=2912").
constexpr std::string_view k_pan_prefix_shifted = "522222222222";
constexpr std::string_view k_pan_tail_shifted = "2222222222>3:23";

void type_shifted(FakeHidKeyboard& keyboard, std::string_view shifted) {
  for (char c : shifted) {
    char key = static_cast<char>(c - 1);
    keyboard.type(std::string_view(&key, 1), false);
  }
  keyboard.type("", true);
}

std::string unshift(std::string_view shifted) {
  std::string clear(shifted);
  for (char& c : clear) c = static_cast<char>(c - 1);
  return clear;
}

struct ScannerRig {
  CapturedLog log;
  UsbTestbed testbed;
  std::shared_ptr<FakeHidKeyboard> keyboard = std::make_shared<FakeHidKeyboard>(0x1D6B, 0x0C3B);
  std::unique_ptr<UsbContext> usb;
  EventLoop loop;
  std::vector<Scan> scans;
  std::unique_ptr<HidScanner> scanner;
  EmulatedUsbDevice* device = nullptr;
  std::optional<Error> stopped;

  explicit ScannerRig(HidScannerOptions options = {}) {
    device = &testbed.plug(3, keyboard->descriptors(), keyboard);
    auto allow = UsbAllowList::parse({"1d6b:0c3b"});
    auto context = UsbContext::open(log.log("usb"), *allow);
    REQUIRE_MESSAGE(context.has_value(), context.error().describe());
    usb = std::move(*context);
    auto opened = open_scanner(
        "hid://1d6b:0c3b", *usb, loop, log.log("scanner"), options,
        [this](Scan scan) { scans.push_back(std::move(scan)); },
        [this](Error error) { stopped = std::move(error); });
    REQUIRE_MESSAGE(opened.has_value(), opened.error().describe());
    scanner = std::move(*opened);
  }

  void run_until(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    auto timer = loop.add_repeating_timer(5ms, [&] {
      if (done() || std::chrono::steady_clock::now() > deadline) loop.quit(0);
    });
    loop.run();
    loop.cancel_timer(timer);
  }
  void run_until_scans(std::size_t count) {
    run_until([&] { return scans.size() >= count; });
  }
};

// Counts occurrences of `needle` in every writable mapping of this process (heap, stacks,
// data, anonymous maps), read through /proc/self/mem in overlapping 1 MiB chunks. Mappings
// over 1 GiB are sanitizer shadow memory (reserved, mostly never touched), not our data.
std::size_t count_in_writable_memory(std::string_view shifted_needle) {
  auto matches_at = [&](std::string_view data, std::size_t at) {
    for (std::size_t i = 0; i < shifted_needle.size(); ++i) {
      if (static_cast<char>(data[at + i] + 1) != shifted_needle[i]) return false;
    }
    return true;
  };
  const std::size_t needle_size = shifted_needle.size();
  std::ifstream maps("/proc/self/maps");
  std::ifstream mem("/proc/self/mem", std::ios::binary);
  REQUIRE(maps);
  REQUIRE(mem);
  constexpr std::uint64_t k_chunk = 1 << 20;
  constexpr std::uint64_t k_largest = std::uint64_t{1} << 30;
  std::size_t hits = 0;
  std::string line;
  std::vector<char> chunk(k_chunk + needle_size);
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    if (perms.size() < 2 || perms[0] != 'r' || perms[1] != 'w') continue;
    if (line.find("[vvar]") != std::string::npos || line.find("[vsyscall]") != std::string::npos)
      continue;
    auto dash = range.find('-');
    std::uint64_t begin = std::stoull(range.substr(0, dash), nullptr, 16);
    std::uint64_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (end - begin > k_largest) continue;
    for (std::uint64_t at = begin; at < end; at += k_chunk) {
      // Read a little past the chunk so a needle across the boundary is seen once.
      std::uint64_t length = std::min<std::uint64_t>(k_chunk + needle_size - 1, end - at);
      mem.clear();
      mem.seekg(static_cast<std::streamoff>(at));
      mem.read(chunk.data(), static_cast<std::streamsize>(length));
      std::string_view data(chunk.data(), static_cast<std::size_t>(mem.gcount()));
      for (std::size_t i = 0; i + needle_size <= data.size() && i < k_chunk; ++i) {
        if (matches_at(data, i)) ++hits;
      }
    }
  }
  std::fill(chunk.begin(), chunk.end(), '\0');
  return hits;
}

}  // namespace

TEST_CASE(
    "a QR payload typed by a keyboard-mode scanner arrives whole; the kernel driver was detached") {
  ScannerRig rig;
  CHECK(rig.keyboard->driver_was_detached());
  CHECK(rig.keyboard->protocol() == 0);  // SET_PROTOCOL(boot) went out on endpoint 0
  CHECK(rig.keyboard->idle_set());
  std::string payload = "SHUBBAK:APPT=2026-11-21T09:30;REF=MOH-55821;NAME=Ahmed_Al-Balushi";
  rig.keyboard->type(payload, true);
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].outcome == Scan::Outcome::text);
  CHECK(rig.scans[0].text == payload);
  CHECK(rig.log.contains("scan of " + std::to_string(payload.size()) + " bytes"));
  CHECK_FALSE(rig.log.contains("MOH-55821"));
}

TEST_CASE("a scan without Enter ends after the inter-key timeout") {
  ScannerRig rig(HidScannerOptions{.inter_key_timeout = 60ms});
  rig.keyboard->type("6281234567890", false);  // an EAN-13 barcode, not a card number
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].text == "6281234567890");
}

TEST_CASE("an Arabic-layout scanner types Arabic") {
  ScannerRig rig(HidScannerOptions{.layout = KeyboardLayout::arabic});
  // h j p (ا ت ح) and the digit 7 with Enter.
  rig.keyboard->press_usages(
      {{0x0B, false}, {0x0D, false}, {0x13, false}, {0x24, false}, {0x28, false}});
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].text == "اتح7");
}

TEST_CASE("a magstripe swipe of a payment card is dropped and leaves no trace in logs or memory") {
  ScannerRig rig;
  type_shifted(*rig.keyboard, k_swipe_shifted);
  rig.run_until_scans(1);
  rig.keyboard->type("OK", true);  // the scanner goes on working afterwards
  rig.run_until_scans(2);
  REQUIRE(rig.scans.size() == 2);
  CHECK(rig.scans[0].outcome == Scan::Outcome::dropped_payment_card);
  CHECK(rig.scans[0].text.empty());
  CHECK(rig.scans[1].text == "OK");
  // Not in any buffer the scanner kept, nor anywhere else this process can write.
  CHECK(count_in_writable_memory(k_pan_prefix_shifted) == 0);
  CHECK(count_in_writable_memory(k_pan_tail_shifted) == 0);
  // Nor in the logs (checked after the memory scan, as it decodes the number).
  CHECK(rig.log.contains("dropped a scan shaped like a payment card"));
  CHECK_FALSE(rig.log.contains(unshift(k_pan_prefix_shifted)));
  CHECK_FALSE(rig.log.all().find("4111") != std::string::npos);
}

TEST_CASE("a card number typed in pieces, split by a pause or by Enter, is dropped whole") {
  ScannerRig rig(HidScannerOptions{.inter_key_timeout = 60ms, .join_window = 400ms});
  // "4111.1111/" then, after a pause past the inter-key timeout, "1111-1111" and Enter: the
  // two pieces the old assembler judged apart. Shifted by one, like the swipe above.
  auto type_piece = [&](std::string_view shifted, bool enter) {
    for (char c : shifted) {
      char key = static_cast<char>(c - 1);
      rig.keyboard->type(std::string_view(&key, 1), false);
    }
    if (enter) rig.keyboard->type("", true);
  };
  type_piece("5222/22220", false);
  std::this_thread::sleep_for(150ms);
  type_piece("2222.2222", true);
  // Halves each with Enter, one after the other.
  rig.run_until_scans(1);
  type_piece("5222!2222", true);
  type_piece("2222!2222", true);
  rig.run_until_scans(2);
  rig.keyboard->type("OK", true);
  rig.run_until_scans(3);
  REQUIRE(rig.scans.size() == 3);
  CHECK(rig.scans[0].outcome == Scan::Outcome::dropped_payment_card);
  CHECK(rig.scans[1].outcome == Scan::Outcome::dropped_payment_card);
  CHECK(rig.scans[2].text == "OK");
  CHECK(count_in_writable_memory("5222/2222") == 0);
}

TEST_CASE("the memory scan does find a card number that is left in memory") {
  // Guards the test above: a scan that finds nothing because it looks nowhere would pass too.
  std::string leaked = unshift(k_swipe_shifted);
  CHECK(count_in_writable_memory(k_pan_prefix_shifted) >= 1);
  CHECK(count_in_writable_memory(k_pan_tail_shifted) >= 1);
  std::fill(leaked.begin(), leaked.end(), '\0');
}

TEST_CASE("a scanner unplugged while the kiosk runs stops and says so on the event loop") {
  ScannerRig rig;
  rig.keyboard->type("A1", true);
  rig.run_until_scans(1);
  rig.testbed.unplug(*rig.device);
  rig.run_until([&] { return rig.stopped.has_value(); });
  REQUIRE(rig.stopped.has_value());
  CHECK(rig.stopped->code == Errc::not_found);
  CHECK(rig.log.contains("scanner stopped"));
}

TEST_CASE("a scanner URI that is malformed or names no connected device is refused") {
  UsbTestbed testbed;
  CapturedLog log;
  auto usb = UsbContext::open(log.log("usb"), *UsbAllowList::parse({"1d6b:0c3b"}));
  REQUIRE(usb.has_value());
  EventLoop loop;
  auto none = [](Scan) {};
  CHECK(open_scanner("hid://1d6b", **usb, loop, log.log("s"), {}, none).error().code ==
        Errc::config);
  CHECK(open_scanner("hid://1d6b:0c3b", **usb, loop, log.log("s"), {}, none).error().code ==
        Errc::not_found);
}

TEST_CASE("a scanner whose interrupt endpoint STALLs is cleared and keeps scanning") {
  ScannerRig rig;
  rig.keyboard->halt_interrupt_endpoint();
  rig.run_until([&] { return rig.keyboard->halts_cleared() > 0; });
  REQUIRE(rig.keyboard->halts_cleared() == 1);
  rig.keyboard->type("AFTER-STALL", true);
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);
  CHECK(rig.scans[0].text == "AFTER-STALL");
  CHECK_FALSE(rig.stopped.has_value());
}

namespace {
// How often the clear text of `shifted` occurs in a file, without ever holding the clear text:
// each byte is compared shifted by one.
int count_in_file_shifted(const std::filesystem::path& file, std::string_view shifted) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  int found = 0;
  for (std::size_t i = 0; i + shifted.size() <= bytes.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; match && k < shifted.size(); ++k)
      match = static_cast<char>(bytes[i + k] + 1) == shifted[k];
    found += match;
  }
  return found;
}
}  // namespace

TEST_CASE(
    "what a swipe leaves the kiosk to store holds no card number: not in the database, not in its "
    "WAL") {
  ScannerRig rig;
  type_shifted(*rig.keyboard, k_swipe_shifted);
  rig.run_until_scans(1);
  REQUIRE(rig.scans.size() == 1);

  TempDir dir;
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  REQUIRE(key);
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "K-1";
  options.device_key = key->get();
  auto store = TransactionStore::open(options, rig.log.log("store"));
  REQUIRE(store);
  // The scan as a workflow step would hand it on: whatever the scanner delivered is stored.
  TransactionDraft draft{"demo.scan", "1.0.0", {}, {}, {{"code", rig.scans[0].text}}};
  REQUIRE((*store)->commit(draft));
  (*store)->record_event("device.fault", "{\"device\":\"scanner\",\"error\":\"dropped\"}");
  for (const char* file : {"journal.db", "journal.db-wal"}) {
    CAPTURE(file);
    REQUIRE(std::filesystem::exists(dir / file));
    CHECK(count_in_file_shifted(dir / file, k_pan_prefix_shifted) == 0);
    CHECK(count_in_file_shifted(dir / file, k_pan_tail_shifted) == 0);
  }
}

TEST_CASE("the file scan does find a card number that reached the database") {
  // Guards the test above: the store refuses card-shaped values, so write one in a plain file.
  TempDir dir;
  std::ofstream(dir / "leak.bin", std::ios::binary) << "xx" << unshift(k_swipe_shifted) << "yy";
  CHECK(count_in_file_shifted(dir / "leak.bin", k_pan_prefix_shifted) == 1);
}
