// Choices: a checkbox, and a group of radio buttons of which one is selected. The mark sits at
// the start of the reading direction (right in Arabic), the label after it.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "screens/ui/widget.hpp"

namespace shubbak {

class Checkbox final : public Widget {
 public:
  Checkbox(UiContext& ui, std::string label, bool checked = false, std::string id = {});

  bool checked() const { return m_checked; }
  void set_checked(bool checked);
  void on_change(std::function<void(bool)> handler) { m_on_change = std::move(handler); }

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  bool on_key(const KeyEvent& event) override;
  bool focusable() const override { return true; }
  std::string announcement() const override;

 private:
  std::string m_label;
  bool m_checked;
  bool m_pressed = false;
  std::function<void(bool)> m_on_change;
};

class RadioGroup final : public Widget {
 public:
  RadioGroup(UiContext& ui, std::vector<std::string> options,
             std::optional<std::size_t> selected = std::nullopt, std::string id = {});

  std::optional<std::size_t> selected() const { return m_selected; }
  void select(std::size_t index);
  void on_change(std::function<void(std::size_t)> handler) { m_on_change = std::move(handler); }
  // The rectangle of option `index`, for scripted taps.
  Rect option_bounds(std::size_t index) const;

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  bool on_key(const KeyEvent& event) override;
  bool focusable() const override { return true; }
  std::string announcement() const override;

 private:
  int row_height() const;
  std::optional<std::size_t> option_at(Point p) const;

  std::vector<std::string> m_options;
  std::optional<std::size_t> m_selected;
  std::optional<std::size_t> m_pressed;
  std::function<void(std::size_t)> m_on_change;
};

}  // namespace shubbak
