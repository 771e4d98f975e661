#include "drivers/audio/sdl/sdl_audio_output.hpp"

#include <SDL.h>

#include <fmt/format.h>

namespace shubbak {

namespace {

class SdlAudioOutput final : public AudioOutput {
 public:
  SdlAudioOutput(SDL_AudioDeviceID device, int sample_rate)
      : m_device(device), m_sample_rate(sample_rate) {}
  ~SdlAudioOutput() override {
    SDL_CloseAudioDevice(m_device);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
  }
  SdlAudioOutput(const SdlAudioOutput&) = delete;
  SdlAudioOutput& operator=(const SdlAudioOutput&) = delete;

  int sample_rate() const override { return m_sample_rate; }
  void queue(std::span<const std::int16_t> samples) override {
    // Fails only for a closed device or no memory; speech is best effort, a lost chunk is silence.
    SDL_QueueAudio(m_device, samples.data(), static_cast<Uint32>(samples.size_bytes()));
  }
  void clear() override { SDL_ClearQueuedAudio(m_device); }

 private:
  SDL_AudioDeviceID m_device;
  int m_sample_rate;
};

}  // namespace

Expected<std::unique_ptr<AudioOutput>> open_sdl_audio_output(int sample_rate) {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    return fail(Errc::device, fmt::format("no audio: {}", SDL_GetError()));
  }
  SDL_AudioSpec want{};
  want.freq = sample_rate;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  // No allowed changes: SDL converts to whatever the card wants, so samples stay as synthesised.
  SDL_AudioDeviceID device = SDL_OpenAudioDevice(nullptr, 0, &want, nullptr, 0);
  if (device == 0) {
    std::string why = SDL_GetError();
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return fail(Errc::device, fmt::format("cannot open the audio device: {}", why));
  }
  SDL_PauseAudioDevice(device, 0);
  return std::make_unique<SdlAudioOutput>(device, sample_rate);
}

}  // namespace shubbak
