// Progress while the kiosk works: a bar that fills from the start edge (right in Arabic) for
// known progress, and a spinner for waits of unknown length (reading a card, printing). The
// spinner only animates while running, so an idle screen draws nothing.
#pragma once

#include "screens/ui/widget.hpp"

namespace shubbak {

class ProgressBar final : public Widget {
 public:
  explicit ProgressBar(UiContext& ui, double value = 0, std::string id = {});

  void set_value(double value);  // 0..1
  double value() const { return m_value; }

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;

 private:
  double m_value;
};

class Spinner final : public Widget {
 public:
  explicit Spinner(UiContext& ui, std::string id = {});
  ~Spinner() override;

  void start();
  void stop();
  bool running() const { return m_timer != 0; }
  int phase() const { return m_phase; }

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;

 private:
  static constexpr int k_dots = 8;
  int m_phase = 0;
  EventLoop::TimerId m_timer = 0;
};

}  // namespace shubbak
