// The SDL backend of AudioOutput: SDL's queued audio on the default device (ALSA/PulseAudio on
// a kiosk; SDL_AUDIODRIVER=disk with SDL_DISKAUDIOFILE writes the samples to a file in tests).
#pragma once

#include <memory>

#include "drivers/audio/audio_output.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

// Opens the device for 16-bit mono at `sample_rate` and starts it (silence until queued).
// Call on the thread that owns SDL at start-up; the output itself may then move to a worker.
// Errc::not_found when the machine has neither a sound card nor a sound server (a kiosk
// without speakers): SDL is then never asked, so ALSA prints nothing.
Expected<std::unique_ptr<AudioOutput>> open_sdl_audio_output(int sample_rate);

}  // namespace shubbak
