#include "screens/ui/widget_screen.hpp"

#include <algorithm>

#include "screens/ui/date_input.hpp"

namespace shubbak {

WidgetScreen::WidgetScreen(UiContext& ui, std::unique_ptr<Widget> root)
    : m_ui(ui), m_root(std::move(root)) {
  m_ui.on_redraw([this] { changed(); });
  m_ui.on_appearance_changed([this] {
    m_root->appearance_changed();
    if (m_keyboard) m_keyboard->set_layout(m_keyboard->layout());
    relayout();
  });
  wire_text_fields(*m_root);
  relayout();
}

void WidgetScreen::wire_text_fields(Widget& root) {
  std::vector<Widget*> focusable;
  root.collect_focusable(focusable);
  for (Widget* widget : focusable) {
    if (auto* field = dynamic_cast<TextField*>(widget)) {
      // Touching a field opens the keyboard it needs: digits for numbers, else the UI's letters.
      field->on_focus([this](TextField& f) {
        show_keyboard(f.kind() != InputKind::text             ? OnScreenKeyboard::Layout::numeric
                      : script_keyboard_rows(m_ui.language()) ? OnScreenKeyboard::Layout::script
                      : m_ui.right_to_left()                  ? OnScreenKeyboard::Layout::arabic
                                                              : OnScreenKeyboard::Layout::english);
      });
    }
  }
}

void WidgetScreen::relayout() {
  Size screen = m_ui.screen();
  int keyboard_h = 0;
  if (m_keyboard) {
    keyboard_h = m_keyboard->measure(screen.width).height;
    m_keyboard->arrange({0, screen.height - keyboard_h, screen.width, keyboard_h});
  }
  m_root->arrange({0, 0, screen.width, screen.height - keyboard_h});
  if (m_dialog) m_dialog->arrange({0, 0, screen.width, screen.height});
  if (m_banner) m_banner->arrange({0, 0, screen.width, m_banner->measure(screen.width).height});
  changed();
}

void WidgetScreen::show_banner(std::unique_ptr<Widget> banner) {
  m_banner = std::move(banner);
  relayout();
}

void WidgetScreen::hide_banner() {
  if (!m_banner) return;
  // The banner may be hiding itself from inside its own button: let that handler return first.
  m_ui.loop().post([banner = std::shared_ptr<Widget>(std::move(m_banner))] {});
  m_pointer_target = nullptr;
  changed();
}

void WidgetScreen::draw(Canvas& canvas) {
  canvas.clear(m_ui.theme().background);
  m_root->draw(canvas);
  if (m_keyboard) m_keyboard->draw(canvas);
  if (m_banner) m_banner->draw(canvas);
  if (m_dialog) m_dialog->draw(canvas);
  m_closing.reset();
}

void WidgetScreen::on_pointer(const PointerEvent& event) {
  // A press decides who gets the rest of the gesture: the dialog, the keyboard, or the page.
  if (event.kind == PointerEvent::Kind::down) {
    if (m_dialog) {
      m_pointer_target = m_dialog.get();
    } else if (m_banner && m_banner->bounds().contains(event.position)) {
      m_pointer_target = m_banner.get();
    } else if (m_keyboard && m_keyboard->bounds().contains(event.position)) {
      m_pointer_target = m_keyboard.get();
    } else {
      m_pointer_target = m_root.get();
    }
  }
  Widget* target = m_pointer_target;
  if (event.kind == PointerEvent::Kind::up) m_pointer_target = nullptr;
  if (target) target->on_pointer(event);
}

void WidgetScreen::on_key(const KeyEvent& event) {
  // Tab and the arrows down and up move through the controls in reading order (right to left
  // in Arabic, row by row); left and right stay with the control (a caret, a choice).
  if (event.kind == KeyEvent::Kind::tab) return focus_next(event.shift);
  if (event.kind == KeyEvent::Kind::down || event.kind == KeyEvent::Kind::up) {
    // A list or a group of choices moves within itself first, and passes on at its ends.
    if (Widget* focused = m_ui.focused(); focused && focused->on_key(event)) return;
    return focus_next(event.kind == KeyEvent::Kind::up);
  }
  if (event.kind == KeyEvent::Kind::back) {
    // As if the screen's own "back" were touched; a dialog's or a screen without one: nothing.
    if (!m_dialog) {
      if (Widget* back = m_root->find("back"); back && back->enabled())
        back->on_key(KeyEvent{KeyEvent::Kind::enter, {}, false});
    }
    return;
  }
  Widget* focused = m_ui.focused();
  // Enter with nothing focused: the first control takes the focus (and is announced).
  if (!focused && event.kind == KeyEvent::Kind::enter) return focus_next(false);
  if (focused) focused->on_key(event);
}

void WidgetScreen::focus_next(bool backwards) {
  std::vector<Widget*> order;
  // The idle warning's banner first: its "more time" is what matters then.
  if (m_banner) m_banner->collect_focusable(order);
  (m_dialog ? static_cast<Widget&>(*m_dialog) : *m_root).collect_focusable(order);
  if (order.empty()) return;
  auto it = std::find(order.begin(), order.end(), m_ui.focused());
  std::size_t index =
      it == order.end() ? (backwards ? order.size() - 1 : 0)
      : backwards ? (static_cast<std::size_t>(it - order.begin()) + order.size() - 1) % order.size()
                  : (static_cast<std::size_t>(it - order.begin()) + 1) % order.size();
  if (order[index] != m_ui.focused()) order[index]->focus_entered(backwards);
  m_ui.set_focus(order[index]);
}

std::optional<Rect> WidgetScreen::find_element(std::string_view id) const {
  if (id.starts_with("key:"))
    return m_keyboard ? m_keyboard->key_bounds(id.substr(4)) : std::nullopt;
  if (auto colon = id.find(':'); colon != std::string_view::npos) {
    if (auto* date = dynamic_cast<DateInput*>(m_root->find(id.substr(0, colon))))
      return date->part_bounds(id.substr(colon + 1));
  }
  if (m_dialog) {
    if (Widget* w = m_dialog->find(id)) return w->bounds();
  }
  if (m_banner) {
    if (Widget* w = m_banner->find(id)) return w->bounds();
  }
  if (m_keyboard) {
    if (Widget* w = m_keyboard->find(id)) return w->bounds();
  }
  if (Widget* w = m_root->find(id)) return w->bounds();
  return std::nullopt;
}

void WidgetScreen::show_keyboard(OnScreenKeyboard::Layout layout) {
  if (!m_keyboard) {
    m_keyboard = std::make_unique<OnScreenKeyboard>(m_ui, layout);
    m_keyboard->on_typed([this](const KeyEvent& event) {
      if (Widget* focused = m_ui.focused()) focused->on_key(event);
      if (event.kind == KeyEvent::Kind::enter) hide_keyboard();
    });
    m_keyboard->on_resized([this] { relayout(); });
  } else if (m_keyboard->layout() != layout) {
    m_keyboard->set_layout(layout);
  }
  relayout();
}

void WidgetScreen::hide_keyboard() {
  if (!m_keyboard) return;
  // The keyboard may be hiding itself from inside its own key handler: let it finish first.
  m_ui.loop().post([keyboard = std::shared_ptr<OnScreenKeyboard>(std::move(m_keyboard))] {});
  relayout();
}

void WidgetScreen::show_dialog(std::unique_ptr<Dialog> dialog) {
  m_dialog = std::move(dialog);
  m_pointer_target = nullptr;
  relayout();
}

void WidgetScreen::close_dialog() {
  m_closing = std::move(m_dialog);
  m_pointer_target = nullptr;
  changed();
}

}  // namespace shubbak
