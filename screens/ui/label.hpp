// Text that wraps at its width and aligns to the reading direction.
#pragma once

#include "screens/ui/widget.hpp"

namespace shubbak {

class Label final : public Widget {
 public:
  Label(UiContext& ui, std::string text, TextRole role = TextRole::body, TextAlign align = TextAlign::start,
        std::string id = {});

  void set_text(std::string text);
  const std::string& text() const { return m_text; }
  void set_muted(bool muted) { m_muted = muted; }

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;

 private:
  std::string m_text;
  TextRole m_role;
  TextAlign m_align;
  bool m_muted = false;
};

}  // namespace shubbak
