// The health appointment by keypad and ear alone in languages beyond Arabic and English: the
// citizen picks the language on the attract screen by keypad, and from then on every control is
// announced in it and found by what it says in it (the catalog's and the service's own texts).
// In Hindi the voice is espeak-ng's, speaking into SDL's disk audio driver, and each screen must
// come out as sound; in Urdu the walk checks what is said (no voice, so it runs quickly).
#include <algorithm>

#include <doctest/doctest.h>

#include "kiosk/core/short_reference.hpp"
#include "tests/integration/audio/disk_audio.hpp"
#include "tests/integration/audio/keypad_walk.hpp"
#include "tests/integration/ui/language_samples.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::contains;
using testing::KeypadWalk;

namespace {

// Walks the health appointment in `language`; `spoken_aloud(before)` says whether more speech
// came out of the sound card since `before` loud samples (always true without a voice). Returns
// how many things had been said when the language was picked.
std::size_t walk_health_appointment(KeypadWalk& walk, Language language,
                                    const std::function<std::size_t()>& loud_now,
                                    const std::function<bool(std::size_t)>& spoken_aloud) {
  auto bundle = testing::health_bundle();
  REQUIRE(bundle);
  auto& h = walk.h;
  h.ui().set_languages({std::begin(k_languages), std::end(k_languages)});
  walk.show_welcome();

  // The first key turns the voice on; the picker's button for the language is found by its own
  // name, and Enter shows and reads the welcome screen in it.
  const std::string native(info(language).native_name);
  REQUIRE(walk.move_to(native));
  std::size_t loud = loud_now();
  walk.press(KeyEvent::Kind::enter);
  REQUIRE(h.ui().language() == language);
  CHECK(spoken_aloud(loud));
  const std::size_t picked = walk.kiosk->speaker.said.size();

  const Messages& messages = h.ui().messages();
  auto message = [&](std::string_view key) { return std::string(messages.get(key, language)); };
  auto button = [&](std::string_view key) {
    return messages.format("speech.button", language, {{"label", message(key)}});
  };
  auto label = [&](std::string_view field) { return bundle->field(field)->label.in(language); };

  walk.activate(button("welcome.start"));
  walk.activate(bundle->title.in(language));
  REQUIRE(h.run_until([&] { return walk.kiosk->shell.session() != nullptr; }, 3s));
  h.settle();
  CHECK(contains(walk.last_said(), bundle->step("intro")->title.in(language)));

  walk.every_control_announced();
  loud = loud_now();
  walk.activate(button("step.continue"));
  REQUIRE(walk.step() == "who");
  CHECK(spoken_aloud(loud));

  walk.every_control_announced();
  REQUIRE(walk.move_to(label("national_id")));
  for (char digit : std::string("9861031236")) {
    h.display().inject_text(std::string(1, digit));
    h.settle();
  }
  REQUIRE(walk.move_to(label("governorate")));
  walk.press(KeyEvent::Kind::enter);  // the first governorate, read out
  REQUIRE(walk.move_to(label("phone")));
  h.display().inject_text("0791234567");
  h.settle();
  walk.activate(button("step.continue"));
  INFO(walk.last_said());
  REQUIRE(walk.step() == "clinic");

  walk.every_control_announced();
  walk.activate(label("clinic"));
  REQUIRE(walk.move_to(label("has_chronic")));
  walk.press(KeyEvent::Kind::enter);
  loud = loud_now();
  walk.activate(button("step.continue"));
  REQUIRE(walk.step() == "review");
  CHECK(spoken_aloud(loud));
  CHECK(contains(walk.last_said(), "9861031236"));

  walk.every_control_announced();
  loud = loud_now();
  walk.activate(button("step.confirm"));
  REQUIRE(h.run_until(
      [&] {
        return walk.kiosk->shell.session() && walk.kiosk->shell.session()->engine().finished();
      },
      10s));
  h.settle();
  CHECK(spoken_aloud(loud));
  const std::string id = walk.kiosk->shell.session()->transaction_id();
  REQUIRE_FALSE(id.empty());
  CHECK(contains(walk.last_said(), messages.format("session.reference", language,
                                                   {{"reference", short_reference(id)}})));
  walk.activate(button("step.finish"));
  REQUIRE(h.run_until([&] { return walk.kiosk->ended.has_value(); }, 3s));
  CHECK(*walk.kiosk->ended == workflow::EndResult::completed);
  auto stored = walk.journal.transactions();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].id == id);
  CHECK(stored[0].service_id == "jordan.health.appointment");

  // Nothing said after the language was picked fell back to English.
  const auto& said = walk.kiosk->speaker.said;
  for (std::size_t i = picked; i < said.size(); ++i) {
    CAPTURE(said[i].text);
    CHECK_FALSE(contains(said[i].text, "Button: "));
    CHECK_FALSE(contains(said[i].text, "Option "));
    CHECK_FALSE(contains(said[i].text, "Step "));
  }
  return picked;
}

// In valid UTF-8 (everything said is), a Devanagari letter (U+0900..U+097F) starts with the bytes
// E0 A4 or E0 A5, and one of the Arabic script (U+0600..U+06FF) with D8..DB, bytes that
// nothing else starts with.
bool has_devanagari(std::string_view text) {
  return contains(std::string(text), "\xE0\xA4") || contains(std::string(text), "\xE0\xA5");
}

bool has_arabic_script(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0xD8 && byte <= 0xDB;
  });
}

// How many things said from the `from`-th on pass `in_script`.
std::size_t said_in_script(const KeypadWalk& walk, std::size_t from,
                           bool (*in_script)(std::string_view)) {
  const auto& said = walk.kiosk->speaker.said;
  std::size_t count = 0;
  for (std::size_t i = from; i < said.size(); ++i) count += in_script(said[i].text);
  return count;
}

}  // namespace

TEST_CASE(
    "keypad only, in Hindi: the health appointment by ear, spoken by espeak-ng into "
    "captured audio") {
  testing::DiskAudio audio;
  Logger logger{LogLevel::error};
  auto voice = audio.start_voice(Log(logger, "speech"));
  KeypadWalk walk(voice.get());
  std::size_t picked = walk_health_appointment(
      walk, Language::hi, [&] { return audio.loud_samples(); },
      [&](std::size_t before) { return audio.wait_for_loud(before + testing::k_rate / 10, 15s); });
  CHECK(said_in_script(walk, picked, has_devanagari) > 20);
}

TEST_CASE("keypad only, in Urdu: the health appointment by ear") {
  KeypadWalk walk;
  std::size_t picked = walk_health_appointment(
      walk, Language::ur, [] { return std::size_t{0}; }, [](std::size_t) { return true; });
  CHECK(said_in_script(walk, picked, has_arabic_script) > 20);
}
