// The espeak-ng backend of Speaker: synthesises in process, on its own worker thread, into an
// AudioOutput as the samples come (speech starts before the sentence is finished). Arabic uses
// espeak-ng's "ar" voice, English "en". A new utterance aborts the synthesis in progress and
// drops the audio already queued.
//
// espeak-ng is one global state per process: at most one EspeakSpeaker exists at a time, and
// espeak-ng itself starts once (with the first speaker's data folder) and stays until exit.
// Threading: say()/stop() from any thread; the worker alone touches espeak-ng and the output.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "drivers/audio/audio_output.hpp"
#include "drivers/audio/speaker.hpp"
#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

class EspeakSpeaker final : public Speaker {
 public:
  // espeak-ng's voices all speak at this rate; open the output with it.
  static constexpr int k_sample_rate = 22050;

  struct Options {
    std::filesystem::path data_dir;  // the folder holding espeak-ng-data; empty: Debian's default
    int words_per_minute = 150;      // a little slower than espeak's 175, for first-time listeners
  };

  // Starts the worker, which then starts espeak-ng. If espeak-ng cannot start, speech is off:
  // the reason is logged and say() does nothing. Never throws, never exits the process.
  static std::unique_ptr<EspeakSpeaker> start(std::unique_ptr<AudioOutput> output, Options options,
                                              Log log);
  ~EspeakSpeaker() override;
  EspeakSpeaker(const EspeakSpeaker&) = delete;
  EspeakSpeaker& operator=(const EspeakSpeaker&) = delete;

  void say(std::string text, Language language) override;
  bool can_speak(Language language) const override;
  void stop() override;
  void set_volume(int percent) override { m_volume = percent; }
  void set_rate(int words_per_minute) override { m_rate = words_per_minute; }

  // Blocks until the worker has tried to start espeak-ng: its outcome (tests, diagnostics).
  Expected<void> wait_until_started();

 private:
  struct Utterance {
    std::string text;
    Language language;
  };

  EspeakSpeaker(std::unique_ptr<AudioOutput> output, Options options, Log log);
  void run();
  Expected<void> start_engine();
  void speak(const Utterance& utterance, std::uint64_t generation);
  static int on_samples(short* samples, int count, void* events);

  std::unique_ptr<AudioOutput> m_output;
  Options m_options;
  Log m_log;

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::optional<Utterance> m_pending;          // guarded by m_mutex
  std::optional<Expected<void>> m_started;     // guarded by m_mutex
  bool m_quit = false;                         // guarded by m_mutex
  std::atomic<std::uint64_t> m_generation{0};  // bumped by each say()/stop(): aborts synthesis
  std::atomic<bool> m_quitting{false};
  std::atomic<int> m_volume{100};   // espeakVOLUME: 100 is espeak-ng's normal
  std::atomic<int> m_rate{0};       // words a minute; 0 until the options' rate is set
  std::optional<Language> m_voice;  // worker only
  std::thread m_worker;             // last: starts after everything above exists
};

}  // namespace shubbak
