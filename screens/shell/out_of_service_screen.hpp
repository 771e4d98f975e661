// The kiosk cannot serve anyone: the reason, in Arabic and in English at once (the citizen in
// front of it has not chosen a language, and may read either), each in its own direction.
#pragma once

#include <string>

#include "screens/ui/screen.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

class OutOfServiceScreen final : public Screen {
 public:
  // `reason_key`: the messages.toml key of the reason (out_of_service.printer_empty, ...).
  OutOfServiceScreen(UiContext& ui, std::string reason_key, std::string kiosk_id);

  void draw(Canvas& canvas) override;
  void on_pointer(const PointerEvent&) override {}
  std::optional<Rect> find_element(std::string_view id) const override;

  const std::string& reason_key() const { return m_reason; }

 private:
  void draw_block(Canvas& canvas, Language language, const Rect& box);

  UiContext& m_ui;
  std::string m_reason;
  std::string m_kiosk_id;
};

}  // namespace shubbak
