// SDL's disk audio driver as the sound card: what would be played lands in a file in a temp dir,
// 16-bit mono at espeak-ng's 22050 Hz, in real time from the moment the device opens. A sample
// louder than k_loud is speech (silence is exactly 0).
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "drivers/audio/espeak/espeak_speaker.hpp"
#include "drivers/audio/sdl/sdl_audio_output.hpp"
#include "tests/support/temp_dir.hpp"

namespace shubbak::testing {

using namespace std::chrono_literals;

constexpr int k_loud = 500;  // of 32767: far above dither, far below speech peaks
constexpr std::size_t k_rate = EspeakSpeaker::k_sample_rate;

class DiskAudio {
 public:
  DiskAudio() {
    ::setenv("SDL_AUDIODRIVER", "disk", 1);
    ::setenv("SDL_DISKAUDIOFILE", (m_dir / "out.raw").c_str(), 1);
  }
  Expected<std::unique_ptr<AudioOutput>> open() {
    return open_sdl_audio_output(EspeakSpeaker::k_sample_rate);
  }
  // espeak-ng in process, speaking into this sound card once it has started; the test fails when
  // there is no voice (library or data missing).
  std::unique_ptr<EspeakSpeaker> start_voice(Log log) {
    auto output = open();
    REQUIRE_MESSAGE(output, (output ? "" : output.error().describe()));
    auto voice = EspeakSpeaker::start(std::move(*output), {}, std::move(log));
    auto started = voice->wait_until_started();
    REQUIRE_MESSAGE(started, (started ? "" : started.error().describe()));
    return voice;
  }

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
  TempDir m_dir;
};

}  // namespace shubbak::testing
