#include "screens/workflow/step_screen.hpp"

#include <algorithm>

#include "screens/ui/button.hpp"
#include "screens/ui/choice.hpp"
#include "screens/ui/date_input.hpp"
#include "screens/ui/label.hpp"
#include "screens/ui/list_view.hpp"
#include "screens/ui/progress.hpp"
#include "screens/workflow/step_speech.hpp"

namespace shubbak {

namespace {

// The page: content from the top, the buttons pinned to the bottom edge. With the controls in
// reach (ControlsReach::lower) the menu and the form's questions have their own column, laid
// out in the lower half of the screen, just above the buttons.
class Page final : public Container {
 public:
  Page(UiContext& ui, int padding) : Container(ui, "page"), m_padding(padding) {}

  Column& content() { return *m_content; }
  Column& controls() { return *m_controls; }
  Row& buttons() { return *m_buttons; }
  void build() {
    m_content = &add<Column>(m_ui.unit() * 2, 0, Align::stretch, "content");
    m_controls = m_ui.controls_reach() == ControlsReach::lower
                     ? &add<Column>(m_ui.unit() * 2, 0, Align::stretch, "controls")
                     : m_content;
    m_buttons = &add<Row>(m_ui.unit() * 2, "buttons");
  }

  Size measure(int available_width) override { return {available_width, m_ui.screen().height}; }
  void arrange(const Rect& bounds) override {
    Widget::arrange(bounds);
    int inner = bounds.width - 2 * m_padding;
    int buttons_h = m_buttons->measure(inner).height;
    int content_h = m_content->measure(inner).height;
    int controls_h = separate_controls() ? m_controls->measure(inner).height + m_padding : 0;
    // With the keyboard open the page is short: the buttons step aside (the keyboard's Done
    // key closes it and brings them back) rather than cover the questions.
    m_show_buttons = content_h + controls_h + buttons_h + 3 * m_padding <= bounds.height;
    Rect buttons{bounds.x + m_padding, bounds.bottom() - m_padding - buttons_h, inner, buttons_h};
    m_buttons->arrange(m_show_buttons ? buttons : Rect{bounds.x, bounds.bottom(), 0, 0});
    int bottom = m_show_buttons ? buttons.y - m_padding : bounds.bottom();
    int top = bounds.y + m_padding;
    if (!separate_controls()) {
      m_content->arrange({bounds.x + m_padding, top, inner, bottom - top});
      return;
    }
    // The controls start at the middle of the screen, or higher when they would not fit below
    // it, but never over the text above them.
    int controls_y = std::max(top + content_h + m_padding,
                              std::min(bounds.y + bounds.height / 2, bottom - controls_h));
    m_content->arrange(
        {bounds.x + m_padding, top, inner, std::max(0, controls_y - m_padding - top)});
    m_controls->arrange(
        {bounds.x + m_padding, controls_y, inner, std::max(0, bottom - controls_y)});
  }
  void draw(Canvas& canvas) override {
    std::optional<Rect> clip;
    ClipScope scope(canvas, clip, m_bounds);
    m_content->draw(canvas);
    if (separate_controls()) m_controls->draw(canvas);
    if (m_show_buttons) m_buttons->draw(canvas);
  }
  bool on_pointer(const PointerEvent& event) override {
    if (!m_show_buttons && event.kind == PointerEvent::Kind::down &&
        m_buttons->bounds().contains(event.position)) {
      return false;
    }
    return Container::on_pointer(event);
  }

 private:
  int m_padding;
  bool separate_controls() const { return m_controls != m_content; }

  bool m_show_buttons = true;
  Column* m_content = nullptr;
  Column* m_controls = nullptr;
  Row* m_buttons = nullptr;
};

// A field: its label, the input, a hint, and the error when the answer is refused.
void add_field(Column& column, const StepField& field, const StepActions& actions) {
  column.add<Label>(field.label, TextRole::body, TextAlign::start);
  switch (field.input) {
    case StepField::Input::text:
    case StepField::Input::number:
    case StepField::Input::phone: {
      InputKind kind = field.input == StepField::Input::text     ? InputKind::text
                       : field.input == StepField::Input::number ? InputKind::number
                                                                 : InputKind::phone;
      auto& input = column.add<TextField>(field.hint, kind, field.id);
      input.set_spoken_label(field.label);
      input.set_text(field.text);
      input.on_change([actions, id = field.id](const std::string& text) {
        if (actions.text_changed) actions.text_changed(id, text);
      });
      break;
    }
    case StepField::Input::date: {
      CivilDate today = field.date.value_or(CivilDate{2000, 1, 1});
      auto& input = column.add<DateInput>(today, 1900, 2100, field.id);
      input.set_spoken_label(field.label);
      input.on_change([actions, id = field.id](const CivilDate& d) {
        if (actions.date_changed) actions.date_changed(id, d);
      });
      break;
    }
    case StepField::Input::choice: {
      std::vector<std::string> labels;
      std::optional<std::size_t> selected;
      for (std::size_t i = 0; i < field.choices.size(); ++i) {
        labels.push_back(field.choices[i].label);
        if (!field.selected.empty() && field.selected.front() == field.choices[i].id) selected = i;
      }
      auto& input = column.add<RadioGroup>(labels, selected, field.id);
      input.set_spoken_label(field.label);
      input.on_change([actions, id = field.id, choices = field.choices](std::size_t index) {
        if (actions.choices_changed) actions.choices_changed(id, {choices[index].id});
      });
      break;
    }
    case StepField::Input::multi_choice: {
      auto chosen = std::make_shared<std::vector<std::string>>(field.selected);
      for (const auto& choice : field.choices) {
        bool on = std::find(chosen->begin(), chosen->end(), choice.id) != chosen->end();
        auto& box = column.add<Checkbox>(choice.label, on, field.id + ":choice:" + choice.id);
        box.on_change([actions, chosen, id = field.id, value = choice.id](bool checked) {
          std::erase(*chosen, value);
          if (checked) chosen->push_back(value);
          if (actions.choices_changed) actions.choices_changed(id, *chosen);
        });
      }
      break;
    }
  }
  // A text input shows its hint as the placeholder; the others under the input.
  bool typed = field.input == StepField::Input::text || field.input == StepField::Input::number ||
               field.input == StepField::Input::phone;
  if (!typed && !field.hint.empty()) {
    column.add<Label>(field.hint, TextRole::caption, TextAlign::start).set_tone(Label::Tone::muted);
  }
  if (!field.error.empty()) {
    column.add<Label>(field.error, TextRole::body, TextAlign::start, field.id + ":error")
        .set_tone(Label::Tone::danger);
  }
}

bool offers_language_picker(const UiContext& ui, const StepActions& actions) {
  return actions.set_language && ui.languages().size() > 2;
}

std::unique_ptr<Widget> build(UiContext& ui, const StepView& view, const StepActions& actions) {
  const int u = ui.unit();
  auto page = std::make_unique<Page>(ui, 3 * u);
  page->build();
  Column& content = page->content();
  if (!view.service_title.empty()) {
    content.add<Label>(view.service_title, TextRole::caption, TextAlign::start, "service")
        .set_tone(Label::Tone::muted);
  }
  if (!view.step_label.empty()) {
    content.add<Label>(view.step_label, TextRole::caption, TextAlign::start, "step")
        .set_tone(Label::Tone::muted);
  }
  content.add<Label>(view.title,
                     view.kind == StepView::Kind::finished ? TextRole::title : TextRole::heading,
                     TextAlign::start, "title");
  if (!view.body.empty()) content.add<Label>(view.body, TextRole::body, TextAlign::start, "body");

  switch (view.kind) {
    case StepView::Kind::message:
    case StepView::Kind::finished:
      break;
    case StepView::Kind::menu: {
      std::vector<ListItem> items;
      for (const auto& o : view.options) items.push_back({o.label, o.detail});
      auto& list = page->controls().add<ListView>(items, "options", 5);
      list.on_select([actions, options = view.options](std::size_t i) {
        if (actions.choose) actions.choose(options[i].id);
      });
      break;
    }
    case StepView::Kind::form: {
      // Two columns on a landscape panel when there is more than a couple of questions.
      Size screen = ui.screen();
      bool two = screen.width > screen.height && view.fields.size() > 2;
      Column& questions = page->controls();
      if (two) {
        auto& row = questions.add<Row>(4 * u);
        auto& first = row.add<Column>(u, 0, Align::stretch);
        auto& second = row.add<Column>(u, 0, Align::stretch);
        std::size_t half = (view.fields.size() + 1) / 2;
        for (std::size_t i = 0; i < view.fields.size(); ++i)
          add_field(i < half ? first : second, view.fields[i], actions);
      } else {
        for (const auto& field : view.fields) add_field(questions, field, actions);
      }
      break;
    }
    case StepView::Kind::review:
      for (const auto& [label, value] : view.summary) {
        auto& row = content.add<Row>(2 * u);
        row.add<Label>(label, TextRole::body, TextAlign::start).set_tone(Label::Tone::muted);
        row.add<Label>(value, TextRole::heading, TextAlign::start);
      }
      break;
    case StepView::Kind::waiting: {
      auto& spinner = content.add<Spinner>("spinner");
      spinner.start();
      break;
    }
  }

  Row& buttons = page->buttons();
  // The language on screen, by its own name, first of the buttons: one tap opens the picker.
  if (offers_language_picker(ui, actions)) {
    buttons.add<Button>(std::string(info(ui.language()).native_name), Button::Style::secondary,
                        "language");
  }
  if (view.can_go_back) {
    buttons.add<Button>(std::string(ui.message("step.back")), Button::Style::secondary, "back")
        .on_click([actions] {
          if (actions.back) actions.back();
        });
  }
  if (view.can_cancel) {
    buttons.add<Button>(std::string(ui.message("step.cancel")), Button::Style::secondary, "cancel")
        .on_click([actions] {
          if (actions.cancel) actions.cancel();
        });
  }
  // Choices as buttons: payment methods on a message, "try printing again" on the last screen.
  bool buttons_for_options =
      view.kind == StepView::Kind::message || view.kind == StepView::Kind::finished;
  for (const auto& method : buttons_for_options ? view.options : std::vector<StepOption>{}) {
    buttons.add<Button>(method.label, Button::Style::primary, "option:" + method.id)
        .on_click([actions, id = method.id] {
          if (actions.choose) actions.choose(id);
        });
  }
  if (!view.primary.empty()) {
    buttons.add<Button>(view.primary, Button::Style::primary, "primary").on_click([actions] {
      if (actions.primary) actions.primary();
    });
  }
  return page;
}

}  // namespace

StepScreen::StepScreen(UiContext& ui, StepView view, StepActions actions)
    : WidgetScreen(ui, build(ui, view, actions)),
      m_view(std::move(view)),
      m_actions(std::move(actions)),
      m_context(ui),
      m_messages(ui.messages()),
      m_language(ui.language()) {
  if (auto* button = dynamic_cast<Button*>(root().find("language")))
    button->on_click([this] { show_language_picker(); });
}

void StepScreen::show_language_picker() {
  std::vector<DialogButton> choices;
  for (Language language : m_context.languages()) {
    choices.push_back({std::string(info(language).native_name),
                       [this, language] {
                         close_dialog();
                         if (language != m_language) m_actions.set_language(language);
                       },
                       "language:" + std::string(to_string(language)), language == m_language});
  }
  show_dialog(std::make_unique<Dialog>(m_context, std::string(m_context.message("language.choose")),
                                       "", std::move(choices), "language_picker", 3));
}

std::string StepScreen::spoken_text() const {
  return spoken_step(m_view, m_messages, m_language);
}

std::optional<Rect> StepScreen::find_element(std::string_view id) const {
  if (id.starts_with("option:") && m_view.kind == StepView::Kind::menu) {
    auto* list = dynamic_cast<const ListView*>(root().find("options"));
    for (std::size_t i = 0; list && i < m_view.options.size(); ++i) {
      if (m_view.options[i].id == id.substr(7)) return list->item_bounds(i);
    }
    return std::nullopt;
  }
  if (auto at = id.find(":choice:"); at != std::string_view::npos) {
    std::string field(id.substr(0, at));
    std::string choice(id.substr(at + 8));
    if (auto* radio = dynamic_cast<const RadioGroup*>(root().find(field))) {
      for (const auto& f : m_view.fields) {
        if (f.id != field) continue;
        for (std::size_t i = 0; i < f.choices.size(); ++i) {
          if (f.choices[i].id == choice) return radio->option_bounds(i);
        }
      }
      return std::nullopt;
    }
  }
  return WidgetScreen::find_element(id);
}

}  // namespace shubbak
