#include "drivers/audio/espeak/espeak_speaker.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <span>

#include <fmt/format.h>

namespace shubbak {

namespace {

// espeak-ng's voice for each language; it has none for Tagalog.
const char* espeak_voice(Language language) {
  switch (language) {
    case Language::ar:
      return "ar";
    case Language::en:
      return "en";
    case Language::ur:
      return "ur";
    case Language::hi:
      return "hi";
    case Language::bn:
      return "bn";
    case Language::ml:
      return "ml";
    case Language::ta:
      return "ta";
    case Language::fa:
      return "fa";
    case Language::tl:
      return nullptr;
  }
  return nullptr;
}

// espeak-ng's callback has no context of its own beyond per-event user data; synthesis is
// synchronous on the worker, so the job being synthesised lives in a thread-local.
struct Job {
  AudioOutput* output;
  const std::atomic<std::uint64_t>* generation;
  const std::atomic<bool>* quitting;
  std::uint64_t mine;
};
thread_local Job* t_job = nullptr;

}  // namespace

std::unique_ptr<EspeakSpeaker> EspeakSpeaker::start(std::unique_ptr<AudioOutput> output,
                                                    Options options, Log log) {
  return std::unique_ptr<EspeakSpeaker>(
      new EspeakSpeaker(std::move(output), std::move(options), std::move(log)));
}

EspeakSpeaker::EspeakSpeaker(std::unique_ptr<AudioOutput> output, Options options, Log log)
    : m_output(std::move(output)),
      m_options(std::move(options)),
      m_log(std::move(log)),
      m_worker([this] { run(); }) {}

EspeakSpeaker::~EspeakSpeaker() {
  {
    std::lock_guard lock(m_mutex);
    m_quit = true;
  }
  m_quitting = true;
  m_wake.notify_all();
  m_worker.join();
}

bool EspeakSpeaker::can_speak(Language language) const {
  return espeak_voice(language) != nullptr;
}

void EspeakSpeaker::say(std::string text, Language language) {
  {
    std::lock_guard lock(m_mutex);
    m_pending = Utterance{std::move(text), language};
    ++m_generation;
  }
  m_wake.notify_all();
}

void EspeakSpeaker::stop() {
  say({}, Language::ar);
}

Expected<void> EspeakSpeaker::wait_until_started() {
  std::unique_lock lock(m_mutex);
  m_wake.wait(lock, [this] { return m_started.has_value(); });
  return *m_started;
}

namespace {

std::string describe(espeak_ng_STATUS status) {
  char text[256] = {};
  espeak_ng_GetStatusCodeMessage(status, text, sizeof text);
  return text;
}

// espeak-ng is process-wide state and cannot be stopped and started again: the second
// espeak_ng_Terminate() hangs joining espeak-ng's own threads. So it starts once, with the
// first speaker's data folder, and stays until the process exits.
Expected<void> start_espeak_once(const std::filesystem::path& data_dir) {
  static std::mutex mutex;
  static std::optional<Expected<void>> outcome;
  std::lock_guard lock(mutex);
  if (outcome) return *outcome;
  outcome = [&]() -> Expected<void> {
    std::string dir = data_dir.string();
    // espeak_ng_Initialize, not espeak_Initialize: the latter ends the whole process (or, with
    // DONT_EXIT, carries on as if it had worked) when the voice data is missing.
    espeak_ng_InitializePath(dir.empty() ? nullptr : dir.c_str());
    espeak_ng_ERROR_CONTEXT context = nullptr;
    espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    espeak_ng_ClearErrorContext(&context);
    if (status != ENS_OK) return fail(Errc::device, "espeak-ng cannot start: " + describe(status));
    status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 100, nullptr);
    if (status != ENS_OK) return fail(Errc::device, "espeak-ng cannot start: " + describe(status));
    // Every voice must be there: a kiosk that speaks some languages it offers to speak and not
    // others would mislead.
    for (Language language : k_languages) {
      const char* voice = espeak_voice(language);
      if (voice == nullptr) continue;
      if (status = espeak_ng_SetVoiceByName(voice); status != ENS_OK) {
        return fail(Errc::device,
                    fmt::format("espeak-ng has no voice \"{}\": {}", voice, describe(status)));
      }
    }
    return {};
  }();
  return *outcome;
}

}  // namespace

Expected<void> EspeakSpeaker::start_engine() {
  if (auto started = start_espeak_once(m_options.data_dir); !started) return started;
  if (int rate = espeak_ng_GetSampleRate(); rate != m_output->sample_rate()) {
    return fail(Errc::device,
                fmt::format("espeak-ng speaks at {} Hz, the audio output runs at {} Hz", rate,
                            m_output->sample_rate()));
  }
  m_voice.reset();  // another speaker may have left espeak-ng with either voice
  espeak_SetSynthCallback([](short* samples, int count, espeak_EVENT* events) {
    return on_samples(samples, count, events);
  });
  espeak_ng_SetParameter(espeakRATE, m_options.words_per_minute, 0);
  return {};
}

void EspeakSpeaker::run() {
  Expected<void> started = start_engine();
  if (started) {
    m_log.info("spoken guidance ready (espeak-ng)");
  } else {
    m_log.error("speech is off: {}", started.error().describe());
  }
  {
    std::lock_guard lock(m_mutex);
    m_started = started;
  }
  m_wake.notify_all();

  while (true) {
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_quit || m_pending.has_value(); });
    if (m_quit) break;
    Utterance next = std::move(*m_pending);
    m_pending.reset();
    std::uint64_t generation = m_generation;
    lock.unlock();
    if (!started) continue;
    // Interrupt: what was still queued of the previous utterance goes.
    m_output->clear();
    if (!next.text.empty()) speak(next, generation);
  }
}

void EspeakSpeaker::speak(const Utterance& utterance, std::uint64_t generation) {
  if (m_voice != utterance.language) {
    const char* voice = espeak_voice(utterance.language);
    if (voice == nullptr) return;  // no voice: the screen hides the speech button
    if (espeak_SetVoiceByName(voice) != EE_OK) {
      m_log.error("espeak-ng has no voice \"{}\"", voice);
      m_voice.reset();
      return;
    }
    m_voice = utterance.language;
  }
  // The citizen's volume and speed, as they are now.
  espeak_SetParameter(espeakVOLUME, m_volume, 0);
  espeak_SetParameter(espeakRATE, m_rate > 0 ? m_rate.load() : m_options.words_per_minute, 0);
  Job job{m_output.get(), &m_generation, &m_quitting, generation};
  t_job = &job;
  espeak_ERROR result = espeak_Synth(utterance.text.c_str(), utterance.text.size() + 1, 0,
                                     POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
  t_job = nullptr;
  if (result != EE_OK)
    m_log.error("espeak-ng could not speak an utterance (error {})", static_cast<int>(result));
}

int EspeakSpeaker::on_samples(short* samples, int count, void*) {
  Job* job = t_job;
  // 1 tells espeak-ng to stop: a newer utterance is waiting, or the speaker is closing.
  if (!job || *job->quitting || *job->generation != job->mine) return 1;
  if (samples && count > 0)
    job->output->queue(std::span<const std::int16_t>(samples, static_cast<std::size_t>(count)));
  return 0;
}

}  // namespace shubbak
