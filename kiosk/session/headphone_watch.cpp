#include "kiosk/session/headphone_watch.hpp"

namespace shubbak {

HeadphoneWatch::HeadphoneWatch(EventLoop& loop, Display& display, SpokenGuidance& guidance,
                               std::unique_ptr<HeadphoneJack> jack, Log log)
    : m_loop(loop),
      m_display(display),
      m_guidance(guidance),
      m_jack(std::move(jack)),
      m_log(std::move(log)) {
  if (m_jack) {
    m_log.info("headphone jack: {} (headphones {})", m_jack->device().string(),
               m_jack->inserted() ? "in" : "out");
    m_timer = m_loop.add_repeating_timer(k_poll, [this] { read_jack(); });
  }
  m_display.on_audio_output_added(
      [this](const std::string& name) { plugged_in("a sound output appeared: " + name); });
}

HeadphoneWatch::~HeadphoneWatch() {
  m_display.on_audio_output_added(nullptr);
  if (m_timer != 0) m_loop.cancel_timer(m_timer);
}

void HeadphoneWatch::read_jack() {
  auto changes = m_jack->read_changes();
  if (!changes) {
    // The sound card went away; the kiosk speaks through whatever output remains.
    m_log.warn("headphone jack: {}; no longer watched", changes.error().describe());
    m_loop.cancel_timer(m_timer);
    m_timer = 0;
    return;
  }
  for (bool inserted : *changes) {
    if (inserted) plugged_in("headphones in the jack");
  }
}

void HeadphoneWatch::plugged_in(const std::string& what) {
  m_log.info("{}", what);
  m_guidance.start_for_headphones();
}

}  // namespace shubbak
