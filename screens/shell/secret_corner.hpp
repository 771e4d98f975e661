// Puts the hidden technician gesture (SecretTaps) on any screen, such as the out-of-service
// notice, which must still let a technician in: touches in the top corner on the start side
// count towards the gesture and reach the screen underneath as usual. Element
// "technician_corner". UI thread only.
#pragma once

#include <functional>
#include <memory>

#include "screens/shell/secret_taps.hpp"
#include "screens/ui/screen.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

class SecretCorner final : public Screen {
 public:
  SecretCorner(UiContext& ui, std::unique_ptr<Screen> inner, std::function<void()> on_gesture)
      : m_inner(std::move(inner)), m_on_gesture(std::move(on_gesture)) {
    const int touch = ui.touch_target();
    m_corner = {ui.right_to_left() ? ui.screen().width - touch : 0, 0, touch, touch};
    m_inner->on_changed([this] { changed(); });
  }

  void draw(Canvas& canvas) override { m_inner->draw(canvas); }
  void on_key(const KeyEvent& event) override { m_inner->on_key(event); }
  void on_pointer(const PointerEvent& event) override {
    if (event.kind == PointerEvent::Kind::down) {
      if (!m_corner.contains(event.position)) {
        m_taps.reset();
      } else if (m_taps.tap(SecretTaps::Clock::now())) {
        return m_on_gesture();  // replaces this screen: nothing after it
      }
    }
    m_inner->on_pointer(event);
  }
  std::optional<Rect> find_element(std::string_view id) const override {
    if (id == "technician_corner") return m_corner;
    return m_inner->find_element(id);
  }

 private:
  std::unique_ptr<Screen> m_inner;
  std::function<void()> m_on_gesture;
  Rect m_corner;
  SecretTaps m_taps;
};

}  // namespace shubbak
