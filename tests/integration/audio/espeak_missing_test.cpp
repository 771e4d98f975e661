// Without espeak-ng's voice data the kiosk keeps running with speech off, and says why in the
// log. Its own process: espeak-ng starts once per process, and the other tests need it working.
#include <doctest/doctest.h>

#include "tests/integration/audio/disk_audio.hpp"
#include "tests/support/memory_log_sink.hpp"

using namespace shubbak;
using testing::DiskAudio;
using namespace std::chrono_literals;

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
