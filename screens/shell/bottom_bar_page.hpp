// A page for the technician screens: content from the top, and a bar of controls pinned to the
// bottom edge, where a technician standing at the kiosk reaches them without stretching.
// UI thread only.
#pragma once

#include "screens/ui/widget.hpp"

namespace shubbak {

class BottomBarPage final : public Container {
 public:
  BottomBarPage(UiContext& ui, int padding);

  Column& content() { return *m_content; }
  Column& bar() { return *m_bar; }

  Size measure(int available_width) override { return {available_width, m_ui.screen().height}; }
  void arrange(const Rect& bounds) override;

 private:
  int m_padding;
  Column* m_content = nullptr;
  Column* m_bar = nullptr;
};

// Its one child at most `max_width` wide, centred across the space it is given.
class CentredBox final : public Container {
 public:
  CentredBox(UiContext& ui, int max_width) : Container(ui), m_max_width(max_width) {}

  Size measure(int available_width) override;
  void arrange(const Rect& bounds) override;

 private:
  int m_max_width;
};

}  // namespace shubbak
