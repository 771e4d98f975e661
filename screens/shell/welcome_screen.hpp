// The first screen a citizen sees: a bilingual welcome, a button to start, and a button that
// switches between Arabic and English. The layout mirrors with the language.
#pragma once

#include <functional>
#include <string>

#include "kiosk/core/language.hpp"
#include "kiosk/core/messages.hpp"
#include "screens/text/text_engine.hpp"
#include "screens/ui/screen.hpp"

namespace shubbak {

class WelcomeScreen final : public Screen {
 public:
  struct Options {
    Language language = Language::ar;
    std::string kiosk_id;
    std::string version;
    int dpi = 96;
  };

  WelcomeScreen(TextEngine& text, const Messages& messages, Size size, Options options, Log log);

  void draw(Canvas& canvas) override;
  void on_pointer(const PointerEvent& event) override;
  std::optional<Rect> find_element(std::string_view id) const override;

  Language language() const { return m_options.language; }
  void on_language_changed(std::function<void(Language)> h) { m_on_language_changed = std::move(h); }
  void on_start(std::function<void()> h) { m_on_start = std::move(h); }

 private:
  enum class Element { none, language, start };

  void lay_out();
  Element hit(Point p) const;
  void draw_text(Canvas& canvas, std::string_view text, const TextStyle& style, const Rect& box,
                 TextAlign align, Color color, TextDirection direction);

  TextEngine& m_text;
  const Messages& m_messages;
  Size m_size;
  Options m_options;
  Log m_log;
  Rect m_header, m_language_button, m_start_button, m_title, m_subtitle, m_footer;
  Element m_pressed = Element::none;
  std::function<void(Language)> m_on_language_changed;
  std::function<void()> m_on_start;
};

}  // namespace shubbak
