// A one-line text field: caret and selection that move on screen across direction boundaries
// (Arabic with Latin and digits), deletion by grapheme (a letter goes with its marks), tap to
// place the caret, drag to select. Typing comes from the on-screen keyboard or a USB keyboard.
#pragma once

#include <functional>

#include "screens/text/caret.hpp"
#include "screens/ui/widget.hpp"

namespace shubbak {

enum class InputKind { text, number, phone };

class TextField final : public Widget {
 public:
  TextField(UiContext& ui, std::string placeholder, InputKind kind = InputKind::text,
            std::string id = {});

  const std::string& text() const { return m_text; }
  void set_text(std::string text);
  InputKind kind() const { return m_kind; }
  void set_max_bytes(std::size_t max) { m_max_bytes = max; }
  // A secret (a PIN, a code): spoken guidance tells its length only and echoes each typed
  // character as "hidden". A value shaped like a card number is treated so whatever this says.
  void set_secret(bool secret) { m_secret = secret; }
  bool speaks_as_secret() const;

  std::uint32_t caret() const { return m_caret; }
  // The selected byte range [first, second); empty when nothing is selected.
  std::pair<std::uint32_t, std::uint32_t> selection() const;
  void set_caret(std::uint32_t offset, bool extend_selection = false);

  void insert(std::string_view text);
  void on_change(std::function<void(const std::string&)> h) { m_on_change = std::move(h); }
  void on_submit(std::function<void()> h) { m_on_submit = std::move(h); }
  void on_focus(std::function<void(TextField&)> h) { m_on_focus = std::move(h); }

  // The caret's x on screen, for tests of movement across direction boundaries.
  int caret_screen_x();

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;
  bool on_pointer(const PointerEvent& event) override;
  bool on_key(const KeyEvent& event) override;
  bool focusable() const override { return true; }
  std::string announcement() const override;
  void appearance_changed() override { m_stops_text.reset(); }

 private:
  struct Geometry {
    std::shared_ptr<const TextLayout> layout;
    Rect inner;  // inside the border and padding
    int line_left = 0;
  };
  Geometry geometry();
  const std::vector<CaretStop>& stops(const TextLayout& layout);
  bool accepts(std::string_view text) const;
  void erase(std::uint32_t from, std::uint32_t to);
  void changed();

  std::string m_placeholder;
  InputKind m_kind;
  std::string m_text;
  std::size_t m_max_bytes = 256;
  bool m_secret = false;
  std::uint32_t m_caret = 0;
  std::uint32_t m_anchor = 0;
  int m_scroll = 0;  // horizontal shift keeping the caret visible in long text
  bool m_dragging = false;
  std::optional<std::string> m_stops_text;
  std::vector<CaretStop> m_stops;
  std::function<void(const std::string&)> m_on_change;
  std::function<void()> m_on_submit;
  std::function<void(TextField&)> m_on_focus;
};

}  // namespace shubbak
