// A full-screen view the citizen or technician sees. The app shows one at a time.
// Threading: UI thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/display/canvas.hpp"
#include "drivers/display/display.hpp"

namespace shubbak {

class Screen {
 public:
  virtual ~Screen() = default;

  virtual void draw(Canvas& canvas) = 0;
  virtual void on_pointer(const PointerEvent& event) = 0;
  virtual void on_key(const KeyEvent&) {}

  // The rectangle of a named element ("language", "start"), for scripted touches and tests.
  virtual std::optional<Rect> find_element(std::string_view id) const = 0;

  // What spoken guidance reads aloud for this screen, in the screen's language: its title and
  // text, then its controls in order ("Button: Next"). Empty: nothing to read.
  virtual std::string spoken_text() const { return {}; }

  // The screen calls this when what it shows has changed; nothing is drawn otherwise.
  void on_changed(std::function<void()> handler) { m_on_changed = std::move(handler); }
  // The screen calls this when its spoken text changed in a way the citizen should hear now
  // (its language was switched, guidance was turned on).
  void on_speak_again(std::function<void()> handler) { m_on_speak_again = std::move(handler); }

 protected:
  void changed() {
    if (m_on_changed) m_on_changed();
  }
  void speak_again() {
    if (m_on_speak_again) m_on_speak_again();
  }

 private:
  std::function<void()> m_on_changed;
  std::function<void()> m_on_speak_again;
};

// Physical size to pixels, for touch targets that stay a finger wide at any density.
constexpr int millimetres_to_pixels(double mm, int dpi) {
  return static_cast<int>(mm * dpi / 25.4 + 0.5);
}

}  // namespace shubbak
