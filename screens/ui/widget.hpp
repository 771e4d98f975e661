// The base of every widget: measure, arrange, draw, and input. A widget owns its children (for
// containers) and knows its rectangle in logical screen coordinates after arrange().
// UI thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/display/canvas.hpp"
#include "drivers/display/display.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

// Where a child sits across its container: `start` follows the reading direction.
enum class Align { start, center, end, stretch };

class Widget {
 public:
  explicit Widget(UiContext& ui, std::string id = {}) : m_ui(ui), m_id(std::move(id)) {}
  virtual ~Widget() { m_ui.forget(this); }
  Widget(const Widget&) = delete;
  Widget& operator=(const Widget&) = delete;

  // The size this widget would like within `available_width`.
  virtual Size measure(int available_width) = 0;
  virtual void arrange(const Rect& bounds) { m_bounds = bounds; }
  virtual void draw(Canvas& canvas) = 0;
  // True when the event was used. Containers route it to the child under the pointer.
  virtual bool on_pointer(const PointerEvent&) { return false; }
  virtual bool on_key(const KeyEvent&) { return false; }
  virtual bool focusable() const { return false; }
  // What spoken guidance says when this widget takes focus, in the UI's language: its role,
  // label, state and value ("Option 2 of 3: Passport, selected"). Never a secret's value: a
  // PIN-like or card-number-like entry is told by its length only. Empty: nothing.
  virtual std::string announcement() const { return {}; }
  // The keypad's focus arrives, moving forwards or (from_end) backwards: a list starts at its
  // first or last item.
  virtual void focus_entered(bool /*from_end*/) {}
  // The label a control is announced with when it does not show one itself (a text field's
  // question is a Label above it).
  void set_spoken_label(std::string label) { m_spoken_label = std::move(label); }
  const std::string& spoken_label() const { return m_spoken_label; }
  // Theme or language changed: drop cached sizes.
  virtual void appearance_changed() {}

  // The widget with `id` in this subtree.
  virtual Widget* find(std::string_view id) { return id == m_id ? this : nullptr; }
  const Widget* find(std::string_view id) const { return const_cast<Widget*>(this)->find(id); }
  // Focusable widgets of this subtree in reading order.
  virtual void collect_focusable(std::vector<Widget*>& out) {
    if (focusable() && m_enabled) out.push_back(this);
  }

  const Rect& bounds() const { return m_bounds; }
  const std::string& id() const { return m_id; }
  bool enabled() const { return m_enabled; }
  void set_enabled(bool enabled) {
    m_enabled = enabled;
    m_ui.request_redraw();
  }
  bool focused() const { return m_ui.focused() == this; }

 protected:
  // Draws text in `box`, top-aligned, in the UI's direction unless the text says otherwise.
  void paint_text(Canvas& canvas, std::string_view text, TextRole role, const Rect& box,
                  TextAlign align, Color color, TextDirection direction = TextDirection::automatic);
  // Height of `text` wrapped at `width` in `role`.
  int text_height(std::string_view text, TextRole role, int width,
                  TextDirection direction = TextDirection::automatic);
  // Text vertically centred in `box` on one line.
  void paint_centred_line(Canvas& canvas, std::string_view text, TextRole role, const Rect& box,
                          TextAlign align, Color color);
  void paint_border(Canvas& canvas, const Rect& box, Color color, int width);
  // The direction the UI reads in, for text whose own content does not decide.
  TextDirection ui_direction() const { return m_ui.direction(); }

  UiContext& m_ui;
  Rect m_bounds;
  std::string m_id;
  std::string m_spoken_label;
  bool m_enabled = true;
};

// A widget with children laid out by a subclass. Routes pointer events to the child that took
// the press until it is released, so a drag that leaves a button still ends at that button.
class Container : public Widget {
 public:
  using Widget::Widget;

  template <class W, class... Args>
  W& add(Args&&... args) {
    auto child = std::make_unique<W>(m_ui, std::forward<Args>(args)...);
    W& ref = *child;
    m_children.push_back(std::move(child));
    return ref;
  }
  void clear_children() {
    m_children.clear();
    m_captured = nullptr;
  }

  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  Widget* find(std::string_view id) override;
  void collect_focusable(std::vector<Widget*>& out) override;
  void appearance_changed() override;

 protected:
  std::vector<std::unique_ptr<Widget>> m_children;
  Widget* m_captured = nullptr;
};

// Children stacked top to bottom.
class Column : public Container {
 public:
  explicit Column(UiContext& ui, int spacing = 0, int padding = 0, Align align = Align::stretch,
                  std::string id = {})
      : Container(ui, std::move(id)), m_spacing(spacing), m_padding(padding), m_align(align) {}

  Size measure(int available_width) override;
  void arrange(const Rect& bounds) override;

 private:
  int m_spacing;
  int m_padding;
  Align m_align;
};

// Children side by side in reading order: the first child is rightmost in Arabic. Each child
// gets an equal share of the width unless it has a fixed width.
class Row : public Container {
 public:
  explicit Row(UiContext& ui, int spacing = 0, std::string id = {})
      : Container(ui, std::move(id)), m_spacing(spacing) {}

  Size measure(int available_width) override;
  void arrange(const Rect& bounds) override;

 private:
  int m_spacing;
};

}  // namespace shubbak
