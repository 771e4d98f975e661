// A sound card that plays 16-bit mono PCM queued to it, at the rate it was opened with.
//
// Threading: one thread at a time (the speaker's worker owns it).
#pragma once

#include <cstdint>
#include <span>

namespace shubbak {

class AudioOutput {
 public:
  virtual ~AudioOutput() = default;

  virtual int sample_rate() const = 0;
  // Appends samples to what is playing; returns at once.
  virtual void queue(std::span<const std::int16_t> samples) = 0;
  // Drops everything queued and not yet played.
  virtual void clear() = 0;
};

}  // namespace shubbak
