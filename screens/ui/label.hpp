// Text that wraps at its width and aligns to the reading direction.
#pragma once

#include "screens/ui/widget.hpp"

namespace shubbak {

class Label final : public Widget {
 public:
  Label(UiContext& ui, std::string text, TextRole role = TextRole::body,
        TextAlign align = TextAlign::start, std::string id = {});

  void set_text(std::string text);
  const std::string& text() const { return m_text; }
  enum class Tone { normal, muted, danger };
  void set_tone(Tone tone) { m_tone = tone; }

  Size measure(int available_width) override;
  void draw(Canvas& canvas) override;

 private:
  std::string m_text;
  TextRole m_role;
  TextAlign m_align;
  Tone m_tone = Tone::normal;
};

}  // namespace shubbak
