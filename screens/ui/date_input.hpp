// A date picked with large + and − steppers for day, month and year (no typing needed), in
// reading order (the day rightmost in Arabic), with the date spelled out below in the
// Gregorian and the Hijri (Umm al-Qura) calendars.
#pragma once

#include <functional>

#include "screens/ui/widget.hpp"

namespace shubbak {

class DateInput final : public Widget {
 public:
  DateInput(UiContext& ui, CivilDate initial, int min_year, int max_year, std::string id = {});

  const CivilDate& value() const { return m_value; }
  void set_value(CivilDate value);
  void on_change(std::function<void(const CivilDate&)> h) { m_on_change = std::move(h); }
  // "day+", "day-", "month+", "month-", "year+", "year-": a stepper's rectangle.
  std::optional<Rect> part_bounds(std::string_view part) const;

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  // From a keypad: left and right step the part in focus (day, then month, then year) down and
  // up; enter moves to the next part. Each change is announced.
  bool on_key(const KeyEvent& event) override;
  bool focusable() const override { return true; }
  std::string announcement() const override;

 private:
  enum class Field { day, month, year };
  struct Part {
    Field field;
    int step;
  };
  Rect column(Field field) const;
  Rect stepper(Field field, int step) const;
  std::optional<Part> part_at(Point p) const;
  void step(Field field, int delta);

  CivilDate m_value;
  int m_min_year, m_max_year;
  std::optional<Part> m_pressed;
  Field m_keyed = Field::day;  // the part the keypad steps
  std::function<void(const CivilDate&)> m_on_change;
};

}  // namespace shubbak
