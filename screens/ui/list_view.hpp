// A scrolling list (the service menu): drag to scroll, fling to keep scrolling with friction,
// tap to choose. A tap is a press that moved less than a quarter touch target; anything more
// is a drag and chooses nothing.
#pragma once

#include <functional>
#include <vector>

#include "screens/ui/widget.hpp"

namespace shubbak {

struct ListItem {
  std::string title;
  std::string subtitle;
};

class ListView final : public Widget {
 public:
  // Shows at most `visible_rows` items at once (0: all); the rest scroll.
  ListView(UiContext& ui, std::vector<ListItem> items, std::string id = {}, int visible_rows = 0);
  ~ListView() override;

  void on_select(std::function<void(std::size_t)> handler) { m_on_select = std::move(handler); }
  int scroll_offset() const { return m_offset; }
  int max_offset() const;
  bool flinging() const { return m_fling_timer != 0; }
  int item_height() const;
  // Where item `index` is now on screen (it may be scrolled out of view).
  Rect item_bounds(std::size_t index) const;

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  // From a keypad: down and up move through the items (and leave the list past its ends),
  // enter chooses the item read out. The list scrolls to keep it in view.
  bool on_key(const KeyEvent& event) override;
  bool focusable() const override { return !m_items.empty(); }
  std::string announcement() const override;
  void focus_entered(bool from_end) override;

 private:
  void key_to(std::size_t index);
  void scroll_to(double offset);
  void start_fling(double velocity);
  void stop_fling();
  void fling_step();

  std::vector<ListItem> m_items;
  int m_visible_rows;
  double m_offset_exact = 0;
  int m_offset = 0;
  // The gesture in progress.
  bool m_tracking = false, m_dragging = false, m_stopped_fling = false;
  Point m_down;
  double m_down_offset = 0;
  std::optional<std::size_t> m_pressed;
  std::size_t m_keyed = 0;  // the item the keypad is on
  // Velocity from the last moves, px per second (positive: content moves up).
  double m_velocity = 0;
  int m_last_y = 0;
  std::uint32_t m_last_time = 0;
  EventLoop::TimerId m_fling_timer = 0;
  EventLoop::Clock::time_point m_fling_last;
  std::function<void(std::size_t)> m_on_select;
};

}  // namespace shubbak
