// Spoken guidance's voice: reads a text aloud in the citizen's language. A new utterance interrupts
// the one being spoken, so the citizen always hears the screen in front of them.
//
// Threading: say() and stop() may be called from any thread and return at once; the work
// (synthesis, audio) happens elsewhere.
#pragma once

#include <string>

#include "kiosk/core/language.hpp"

namespace shubbak {

class Speaker {
 public:
  virtual ~Speaker() = default;

  virtual void say(std::string text, Language language) = 0;
  // Whether there is a voice for `language`; say() in a language without one is silent.
  virtual bool can_speak(Language language) const = 0;
  // Silence now: whatever is being spoken or queued stops.
  virtual void stop() = 0;
  // The citizen's volume (percent of the voice's normal loudness, 20 to 200) and speed (words a
  // minute, 80 to 300), from the next utterance on. A backend that cannot change them ignores it.
  virtual void set_volume(int /*percent*/) {}
  virtual void set_rate(int /*words_per_minute*/) {}
};

}  // namespace shubbak
