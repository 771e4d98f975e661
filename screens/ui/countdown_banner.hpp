// "Are you still there?": counts down the seconds before an idle session is wiped, in words
// with Arabic's plural forms, with a button for more time. Ticks once a second on the
// monotonic clock, so a wall-clock jump neither shortens nor stretches it.
#pragma once

#include <functional>

#include "screens/ui/widget.hpp"

namespace shubbak {

class Button;
class Label;

class CountdownBanner final : public Container {
 public:
  explicit CountdownBanner(UiContext& ui, std::string id = "countdown");
  ~CountdownBanner() override;

  void start(int seconds);
  void stop();
  bool running() const { return m_timer != 0; }
  int remaining() const { return m_remaining; }
  // "Your session ends in 20 seconds", as shown (spoken guidance reads it too).
  std::string text() const;
  void on_expired(std::function<void()> h) { m_on_expired = std::move(h); }
  void on_more_time(std::function<void()> h) { m_on_more_time = std::move(h); }

  Size measure(int available_width) override;
  void arrange(const Rect& bounds) override;
  void draw(Canvas& canvas) override;

 private:
  void tick();

  Label* m_label = nullptr;
  Button* m_button = nullptr;
  int m_remaining = 0;
  EventLoop::TimerId m_timer = 0;
  std::function<void()> m_on_expired;
  std::function<void()> m_on_more_time;
};

}  // namespace shubbak
