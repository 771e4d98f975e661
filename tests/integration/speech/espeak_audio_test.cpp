// The real voice: espeak-ng synthesising in process into SDL's queued audio, with SDL's disk
// audio driver writing what the sound card would play into a file in a temp dir. The file is
// 16-bit mono at 22050 Hz; a sample louder than k_loud is speech (silence is exactly 0).
// Without espeak-ng (library or voice data) these tests fail: no voice, no loud samples.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "drivers/audio/espeak/espeak_speaker.hpp"
#include "drivers/audio/sdl/sdl_audio_output.hpp"
#include "kiosk/app/spoken_guidance.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/support/memory_log_sink.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::UiHarness;

namespace {

constexpr int k_loud = 500;  // of 32767: far above dither, far below speech peaks
constexpr std::size_t k_rate = EspeakSpeaker::k_sample_rate;

// SDL's disk driver writes into SDL_DISKAUDIOFILE, in real time, from the moment it opens.
class DiskAudio {
 public:
  DiskAudio() {
    ::setenv("SDL_AUDIODRIVER", "disk", 1);
    ::setenv("SDL_DISKAUDIOFILE", (m_dir / "out.raw").c_str(), 1);
  }
  Expected<std::unique_ptr<AudioOutput>> open() { return open_sdl_audio_output(EspeakSpeaker::k_sample_rate); }

  // How many samples of the file so far are louder than k_loud.
  std::size_t loud_samples() const {
    std::ifstream in(m_dir / "out.raw", std::ios::binary);
    std::size_t loud = 0;
    std::int16_t sample = 0;
    while (in.read(reinterpret_cast<char*>(&sample), sizeof sample)) {
      if (sample > k_loud || sample < -k_loud) ++loud;
    }
    return loud;
  }
  std::uintmax_t bytes() const {
    std::error_code ec;
    auto size = std::filesystem::file_size(m_dir / "out.raw", ec);
    return ec ? 0 : size;
  }
  // Polls (bounded by `limit`) until at least `samples` loud samples are in the file.
  bool wait_for_loud(std::size_t samples, std::chrono::milliseconds limit) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (loud_samples() >= samples) return true;
      std::this_thread::sleep_for(100ms);
    }
    return loud_samples() >= samples;
  }

 private:
  testing::TempDir m_dir;
};

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
  auto output = audio.open();
  REQUIRE_MESSAGE(output, (output ? "" : output.error().describe()));
  Logger logger{LogLevel::error};
  auto speaker = EspeakSpeaker::start(std::move(*output), {}, Log(logger, "speech"));
  auto started = speaker->wait_until_started();
  REQUIRE_MESSAGE(started, (started ? "" : started.error().describe()));
  SpokenGuidance guidance(h.ui(), h.app(), *speaker, Log(logger, "guidance"));
  guidance.set_enabled(on);
  h.show(std::make_unique<StepScreen>(h.ui(), renewal_step(language), StepActions{}));
  h.settle();
  if (on) {
    // Half a second of speech at least: a real sentence, not a click.
    CHECK(audio.wait_for_loud(k_rate / 2, 15s));
  } else {
    std::this_thread::sleep_for(1500ms);
    CHECK(audio.bytes() > 0);  // the device ran, and played...
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
  auto output = audio.open();
  REQUIRE(output);
  Logger logger{LogLevel::error};
  auto speaker = EspeakSpeaker::start(std::move(*output), {}, Log(logger, "speech"));
  REQUIRE(speaker->wait_until_started());
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

TEST_CASE("if espeak-ng cannot start, speech is off and logged, and nothing crashes") {
  DiskAudio audio;
  auto output = audio.open();
  REQUIRE(output);
  testing::CapturedLog log;
  // An existing folder without voice data (a missing one makes espeak-ng fall back to Debian's).
  testing::TempDir empty;
  auto speaker = EspeakSpeaker::start(std::move(*output), {empty.path()}, log.log("speech"));
  auto started = speaker->wait_until_started();
  REQUIRE_FALSE(started);
  CHECK(started.error().message.find("espeak-ng cannot start") != std::string::npos);
  CHECK(log.contains("speech is off"));
  speaker->say("مرحبا", Language::ar);
  std::this_thread::sleep_for(500ms);
  CHECK(audio.loud_samples() == 0);
}
