#include "drivers/audio/sdl/sdl_audio_output.hpp"

#include <SDL.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

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

// Whether SDL could find something to play on. Without a card or a server SDL falls back to
// ALSA's "default", which fails after printing a screenful to stderr at every start.
bool sound_available() {
  auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0';
  };
  if (set("SDL_AUDIODRIVER") || set("PULSE_SERVER")) return true;  // chosen on purpose
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr) {
    std::error_code ec;
    for (const char* server : {"pulse/native", "pipewire-0"}) {
      if (std::filesystem::exists(std::filesystem::path(runtime) / server, ec)) return true;
    }
  }
  std::ifstream cards("/proc/asound/cards");
  std::string first;
  return cards && std::getline(cards, first) && first.find("no soundcards") == std::string::npos;
}

}  // namespace

Expected<std::unique_ptr<AudioOutput>> open_sdl_audio_output(int sample_rate) {
  if (!sound_available()) {
    return fail(Errc::not_found, "this machine has no sound card and no sound server");
  }
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
