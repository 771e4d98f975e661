// The real voice: espeak-ng synthesising in process into SDL's queued audio, with SDL's disk
// audio driver writing what the sound card would play into a file in a temp dir. The file is
// 16-bit mono at 22050 Hz; a sample louder than k_loud is speech (silence is exactly 0).
// Without espeak-ng (library or voice data) these tests fail: no voice, no loud samples.
#include <doctest/doctest.h>

#include "kiosk/core/messages.hpp"
#include "kiosk/session/spoken_guidance.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/integration/audio/disk_audio.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::UiHarness;

namespace {

using testing::DiskAudio;
constexpr std::size_t k_rate = EspeakSpeaker::k_sample_rate;

StepView renewal_step(Language language) {
  StepView view;
  view.kind = StepView::Kind::message;
  if (language == Language::ar) {
    view.title = "تجديد جواز السفر";
    view.body = "رسوم الخدمة ١٢٫٥٠٠ ريال عماني، تدفع في الخطوة الأخيرة.";
    view.primary = "متابعة";
  } else {
    view.title = "Passport renewal";
    view.body = "The fee is 12.500 Omani rials, paid at the last step.";
    view.primary = "Continue";
  }
  view.can_go_back = true;
  return view;
}

// A step screen in `language`, shown with guidance in state `on`, through the real voice.
void show_step_with_guidance(Language language, bool on, DiskAudio& audio) {
  UiHarness h(language);
  Logger logger{LogLevel::error};
  auto speaker = audio.start_voice(Log(logger, "speech"));
  SpokenGuidance guidance(h.ui(), h.app(), *speaker, Log(logger, "guidance"));
  guidance.set_enabled(on);
  h.show(std::make_unique<StepScreen>(h.ui(), renewal_step(language), StepActions{}));
  h.settle();
  if (on) {
    // Half a second of speech at least: a real sentence, not a click.
    CHECK(audio.wait_for_loud(k_rate / 2, 15s));
  } else {
    std::this_thread::sleep_for(1500ms);
    CHECK(audio.bytes() > 0);          // the device ran, and played...
    CHECK(audio.loud_samples() == 0);  // ...only silence
  }
}

}  // namespace

TEST_CASE("an Arabic step with guidance on comes out of the sound card as speech") {
  DiskAudio audio;
  show_step_with_guidance(Language::ar, true, audio);
}

TEST_CASE("an English step with guidance on comes out as speech too") {
  DiskAudio audio;
  show_step_with_guidance(Language::en, true, audio);
}

TEST_CASE("with guidance off the sound card plays only silence") {
  DiskAudio audio;
  show_step_with_guidance(Language::ar, false, audio);
}

TEST_CASE("a new utterance interrupts the one being spoken") {
  DiskAudio audio;
  Logger logger{LogLevel::error};
  auto speaker = audio.start_voice(Log(logger, "speech"));
  std::string long_text;
  for (int i = 0; i < 12; ++i) long_text += "هذه جملة طويلة للتجربة يقرؤها الصوت ببطء. ";
  speaker->say(long_text, Language::ar);  // some twenty seconds of speech
  REQUIRE(audio.wait_for_loud(k_rate / 10, 10s));
  speaker->stop();
  std::size_t at_stop = audio.loud_samples();
  std::this_thread::sleep_for(1500ms);
  // What was already in the device's buffer may still play (about 50 ms); the rest is gone.
  CHECK(audio.loud_samples() - at_stop < k_rate / 2);

  speaker->say("Next", Language::en);
  CHECK(audio.wait_for_loud(audio.loud_samples() + k_rate / 10, 10s));  // and speech resumes
}

// Each language's own words, from its catalog, spoken in its own voice into the captured audio;
// Tagalog has no espeak-ng voice: the speaker says so and stays silent.
TEST_CASE("every offered language with a voice is spoken; Tagalog, without one, is silent") {
  auto messages = Messages::load(std::filesystem::path(SHUBBAK_ASSETS_DIR) / "i18n/messages.toml");
  REQUIRE(messages);
  for (Language language : k_languages) {
    CAPTURE(to_string(language));
    DiskAudio audio;
    Logger logger{LogLevel::error};
    auto speaker = audio.start_voice(Log(logger, "speech"));
    std::string words = std::string(messages->get("welcome.title", language)) + ". " +
                        std::string(messages->get("welcome.start", language));
    speaker->say(words, language);
    if (language == Language::tl) {
      CHECK_FALSE(speaker->can_speak(language));
      std::this_thread::sleep_for(1000ms);
      CHECK(audio.loud_samples() == 0);
    } else {
      CHECK(speaker->can_speak(language));
      CHECK(audio.wait_for_loud(k_rate / 2, 15s));  // half a second of speech at least
    }
  }
}
