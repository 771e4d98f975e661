// A Speaker that keeps what spoken guidance gives it to say (text and language), so a test can
// check the words. Given a real voice it passes every call on to it as well, so the same walk
// also checks the sound (the keypad walk with espeak-ng into SDL's disk audio driver).
#pragma once

#include <string>
#include <vector>

#include "drivers/audio/speaker.hpp"

namespace shubbak::testing {

class RecordingSpeaker final : public Speaker {
 public:
  struct Said {
    std::string text;
    Language language;
  };

  // `voice`, when given, must outlive this speaker.
  explicit RecordingSpeaker(Speaker* voice = nullptr) : m_voice(voice) {}

  void say(std::string text, Language language) override {
    said.push_back({text, language});
    if (m_voice) m_voice->say(std::move(text), language);
  }
  void stop() override {
    ++stops;
    if (m_voice) m_voice->stop();
  }
  // Without a real voice: every language but Tagalog has one, as with espeak-ng.
  bool can_speak(Language language) const override {
    return m_voice ? m_voice->can_speak(language) : language != Language::tl;
  }
  void set_volume(int percent) override {
    volume = percent;
    if (m_voice) m_voice->set_volume(percent);
  }
  void set_rate(int words_per_minute) override {
    rate = words_per_minute;
    if (m_voice) m_voice->set_rate(words_per_minute);
  }

  std::vector<Said> said;
  int stops = 0;
  int volume = 100;
  int rate = 150;

 private:
  Speaker* m_voice;
};

}  // namespace shubbak::testing
