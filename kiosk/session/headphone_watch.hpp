// Plugging headphones in starts spoken guidance at once (issue #19): a citizen who cannot see
// the screen needs no key to find first. Two ways headphones arrive: the kiosk's jack (its evdev
// switch, HeadphoneJack, read without blocking on a timer of the UI loop) and a USB headset, a
// new sound output the display's event queue reports. Unplugging changes nothing: the session
// ends guidance as it ends everything else.
//
// UI thread only. Owns the jack; the display and guidance must outlive the watch.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "drivers/audio/headphone_jack.hpp"
#include "drivers/display/display.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/session/spoken_guidance.hpp"

namespace shubbak {

class HeadphoneWatch {
 public:
  // `jack` may be null (the kiosk has none that reports itself): USB headsets still count.
  HeadphoneWatch(EventLoop& loop, Display& display, SpokenGuidance& guidance,
                 std::unique_ptr<HeadphoneJack> jack, Log log);
  ~HeadphoneWatch();
  HeadphoneWatch(const HeadphoneWatch&) = delete;
  HeadphoneWatch& operator=(const HeadphoneWatch&) = delete;

  // How often the jack is read: quick enough to feel immediate, rare enough to cost nothing.
  static constexpr std::chrono::milliseconds k_poll{200};

 private:
  void read_jack();
  void plugged_in(const std::string& what);

  EventLoop& m_loop;
  Display& m_display;
  SpokenGuidance& m_guidance;
  std::unique_ptr<HeadphoneJack> m_jack;
  Log m_log;
  EventLoop::TimerId m_timer = 0;
};

}  // namespace shubbak
