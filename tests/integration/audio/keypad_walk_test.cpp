// Each demo service walked by keypad and ear alone (EN 301 549 5.1.6.1, 5.1.3): real SDL key
// events, the real shell and session, a real SQLite store and the demo's simulated devices (see
// keypad_walk.hpp). Every walk ends completed with its record stored, and goes round every
// control of its steps checking that each key says something. One walk also speaks through
// espeak-ng into SDL's disk audio driver and checks that each spoken step came out as sound.
#include <doctest/doctest.h>

#include "kiosk/core/short_reference.hpp"
#include "tests/integration/audio/disk_audio.hpp"
#include "tests/integration/audio/keypad_walk.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::contains;
using testing::KeypadWalk;

namespace {

std::string field(const TransactionRecord& record, const std::string& name) {
  for (const auto& [key, value] : record.fields) {
    if (key == name) return value;
  }
  return "<none>";
}

// How many files in `directory` have names starting with `prefix`.
int files_starting_with(const std::filesystem::path& directory, const std::string& prefix) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
    count += entry.path().filename().string().starts_with(prefix);
  return count;
}

}  // namespace

TEST_CASE("keypad only: the health appointment from the welcome screen to its end, by ear") {
  KeypadWalk walk;
  auto& h = walk.h;
  auto& kiosk = *walk.kiosk;
  walk.show_welcome();

  // The first key of the keypad turns the voice on and reads the screen.
  walk.press(KeyEvent::Kind::down);
  REQUIRE(kiosk.guidance.enabled());
  REQUIRE(kiosk.speaker.said.size() == 1);
  CHECK(contains(walk.last_said(), "Button: Touch here to start"));

  walk.press(KeyEvent::Kind::enter);  // start: the service menu, read
  CHECK(contains(walk.last_said(), "Option: "));
  walk.every_control_announced();
  REQUIRE(walk.move_to("Book a health centre appointment"));
  CHECK(contains(walk.last_said(), "Option "));
  CHECK(contains(walk.last_said(), " of "));
  walk.press(KeyEvent::Kind::enter);
  REQUIRE(h.run_until([&] { return kiosk.shell.session() != nullptr; }, 3s));
  h.settle();
  CHECK(contains(walk.last_said(), "Step 1 of 4"));

  // The introduction: its controls, then Continue.
  walk.every_control_announced();
  walk.activate("Button: Continue");
  REQUIRE(walk.step() == "who");
  CHECK(contains(walk.last_said(), "Step 2 of 4"));

  // About you: the national number typed (each digit echoed), a governorate, the phone.
  walk.every_control_announced();
  REQUIRE(walk.move_to("Text field: National number"));
  CHECK(contains(walk.last_said(), "empty"));
  for (char digit : std::string("9861031236")) {
    h.display().inject_text(std::string(1, digit));
    h.settle();
    CHECK(walk.last_said() == std::string(1, digit));  // each digit typed, echoed
  }
  REQUIRE(walk.move_to("Governorate"));
  CHECK(contains(walk.last_said(), "Option 1 of"));
  CHECK(contains(walk.last_said(), "not selected"));
  walk.press(KeyEvent::Kind::enter);  // takes the option read out
  CHECK(contains(walk.last_said(), "selected"));
  CHECK_FALSE(contains(walk.last_said(), "not selected"));
  REQUIRE(walk.move_to("Text field: Mobile number"));
  h.display().inject_text("0791234567");
  h.settle();
  // Back to the national number: its value is read.
  REQUIRE(walk.move_to("Text field: National number"));
  CHECK(contains(walk.last_said(), "9861031236"));
  walk.activate("Button: Continue");
  REQUIRE(walk.step() == "clinic");
  CHECK(contains(walk.last_said(), "Step 3 of 4"));

  // Clinic and day: two choices by keypad; the date read with its part.
  walk.every_control_announced();
  walk.activate("Clinic");
  REQUIRE(walk.move_to("Do you have a chronic condition?"));
  walk.press(KeyEvent::Kind::enter);  // "No"
  REQUIRE(walk.move_to("Date: Day of the appointment"));
  CHECK(contains(walk.last_said(), "Day: "));
  walk.activate("Button: Continue");
  INFO(walk.last_said());
  REQUIRE(walk.step() == "review");
  CHECK(contains(walk.last_said(), "Step 4 of 4"));

  // Review: confirm. The session stores the request and prints the receipt, and the end screen
  // reads the request number.
  walk.activate("Button: Confirm");
  auto stored = walk.finish();
  CHECK(stored.service_id == "jordan.health.appointment");
}

namespace {

// The municipal fees by keypad from the welcome screen to the payment step: the introduction,
// the fee chosen from the step's list (waste collection), the account number typed, the review
// confirmed. Every control of each step is announced on the way.
void fees_up_to_payment(KeypadWalk& walk) {
  walk.show_welcome();
  walk.open_service("Pay municipal fees");
  walk.activate("Button: Continue");
  REQUIRE(walk.step() == "choose");

  // The step's own menu: a list read item by item.
  walk.every_control_announced();
  REQUIRE(walk.move_to("Waste collection"));
  CHECK(contains(walk.last_said(), "Option 1 of 3"));
  walk.press(KeyEvent::Kind::enter);
  REQUIRE(walk.step() == "details");

  walk.every_control_announced();
  REQUIRE(walk.move_to("Text field: Municipality account number"));
  walk.h.display().inject_text("12345678");
  walk.h.settle();
  walk.activate("Button: Continue");
  INFO(walk.last_said());
  REQUIRE(walk.step() == "review");
  walk.every_control_announced();
  walk.activate("Button: Confirm");
  REQUIRE(walk.step() == "pay");
  walk.every_control_announced();
}

}  // namespace

TEST_CASE("keypad only: the municipal fees, paid later by reference, by ear") {
  KeypadWalk walk;
  fees_up_to_payment(walk);
  // How to pay: by a reference, to pay later.
  walk.activate("Button: A reference to pay later");
  auto stored = walk.finish();
  CHECK(stored.service_id == "muscat.municipality.fees");
  CHECK(field(stored, "payment_method") == "reference");
  CHECK(walk.terminal.charges() == 0);
}

TEST_CASE("keypad only: the municipal fees, paid now by card at the payment terminal, by ear") {
  KeypadWalk walk;
  fees_up_to_payment(walk);
  // How to pay: by card, at the terminal.
  REQUIRE(walk.move_to("Button: Pay by card"));
  const std::size_t before_payment = walk.kiosk->speaker.said.size();
  walk.press(KeyEvent::Kind::enter);
  auto stored = walk.finish();
  // The terminal's screens were read as they came (the wait for the card, then the end).
  CHECK(walk.kiosk->speaker.said.size() > before_payment + 1);
  CHECK(stored.service_id == "muscat.municipality.fees");
  CHECK(stored.amount == Money{2500, "OMR"});
  CHECK(field(stored, "payment_method") == "terminal");
  CHECK(field(stored, "account_number") == "12345678");
  CHECK_FALSE(stored.payment_reference.empty());
  CHECK(walk.terminal.charges() == 1);  // paid once, and only once
  CHECK(files_starting_with(walk.dir.path() / "data/receipts", "receipt-" + stored.id) == 1);
}

TEST_CASE(
    "keypad only: the birth certificate with the ID card and a queue ticket, by ear, spoken by "
    "espeak-ng into captured audio") {
  testing::DiskAudio audio;
  Logger logger{LogLevel::error};
  auto voice = audio.start_voice(Log(logger, "speech"));

  KeypadWalk walk(voice.get());
  auto& h = walk.h;
  // Each screen read must come out of the sound card as speech: a tenth of a second more of it
  // than before the screen came.
  auto spoken_aloud = [&](std::size_t loud_before) {
    return audio.wait_for_loud(loud_before + testing::k_rate / 10, 15s);
  };
  walk.show_welcome();
  CHECK(audio.loud_samples() == 0);  // guidance off: silence
  std::size_t loud = audio.loud_samples();
  walk.open_service("Request a birth certificate");
  CHECK(contains(walk.last_said(), "Step 1 of"));
  CHECK(spoken_aloud(loud));

  walk.every_control_announced();
  REQUIRE(walk.move_to("Button: Continue"));
  loud = audio.loud_samples();
  walk.press(KeyEvent::Kind::enter);

  // The card step: the reader holds the demo ID card; the step reads it, and the form comes with
  // the card's details filled in. While it reads, Cancel is the only control.
  REQUIRE(walk.wait_for_step("details"));
  CHECK(spoken_aloud(loud));
  bool card_step_read = false;
  for (const auto& said : walk.kiosk->speaker.said)
    card_step_read |= contains(said.text, "Insert your ID card in the reader");
  CHECK(card_step_read);

  walk.every_control_announced();
  REQUIRE(walk.move_to("Myself"));
  CHECK(contains(walk.last_said(), "not selected"));
  walk.press(KeyEvent::Kind::enter);
  CHECK_FALSE(contains(walk.last_said(), "not selected"));
  REQUIRE(walk.move_to("Button: Continue"));
  loud = audio.loud_samples();
  walk.press(KeyEvent::Kind::enter);
  INFO(walk.last_said());
  REQUIRE(walk.step() == "review");
  CHECK(spoken_aloud(loud));
  CHECK(contains(walk.last_said(), "9861031234"));  // the civil number read from the card

  walk.every_control_announced();
  REQUIRE(walk.move_to("Button: Confirm"));
  loud = audio.loud_samples();
  walk.press(KeyEvent::Kind::enter);
  // One method only (the card): the terminal is asked at once; then the store and the ticket.
  // The payment's, the ticket's and the end screen were spoken aloud as they came.
  REQUIRE(h.run_until([&] { return walk.kiosk->shell.session()->engine().finished(); }, 10s));
  CHECK(spoken_aloud(loud));
  auto stored = walk.finish();
  CHECK(stored.service_id == "oman.civil-status.birth-certificate");
  CHECK(stored.amount == Money{1000, "OMR"});
  CHECK(field(stored, "national_id") == "9861031234");
  CHECK(field(stored, "certificate_for") == "self");
  CHECK(walk.terminal.charges() == 1);
  CHECK(files_starting_with(walk.dir.path() / "data/receipts", "ticket-" + stored.id) == 1);
}
