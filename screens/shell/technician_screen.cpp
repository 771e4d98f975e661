#include "screens/shell/technician_screen.hpp"

#include "screens/shell/bottom_bar_page.hpp"
#include "screens/ui/button.hpp"

namespace shubbak {

namespace {

void add_row(Column& column, const DiagnosticRow& row, int spacing) {
  Row& line = column.add<Row>(spacing);
  line.add<Label>(row.label, TextRole::body, TextAlign::start).set_tone(Label::Tone::muted);
  line.add<Label>(row.value, TextRole::body, TextAlign::start, "diag:" + row.id);
}

}  // namespace

TechnicianScreen::TechnicianScreen(UiContext& ui, std::string heading,
                                   std::vector<DiagnosticRow> rows,
                                   std::vector<std::vector<TechnicianAction>> action_rows)
    : WidgetScreen(ui, std::make_unique<BottomBarPage>(ui, 3 * ui.unit())) {
  auto& page = static_cast<BottomBarPage&>(root());
  const int u = ui.unit();
  page.content().add<Label>(std::move(heading), TextRole::heading, TextAlign::start, "title");
  Row& columns = page.content().add<Row>(4 * u);
  Column& first = columns.add<Column>(u, 0, Align::stretch);
  Column& second = columns.add<Column>(u, 0, Align::stretch);
  std::size_t narrow = 0;
  for (const auto& row : rows) narrow += row.wide ? 0 : 1;
  std::size_t half = (narrow + 1) / 2, placed = 0;
  for (const auto& row : rows) {
    if (!row.wide) add_row(placed++ < half ? first : second, row, 2 * u);
  }
  for (const auto& row : rows) {
    if (!row.wide) continue;
    page.content()
        .add<Label>(row.label, TextRole::body, TextAlign::start)
        .set_tone(Label::Tone::muted);
    page.content().add<Label>(row.value, TextRole::body, TextAlign::start, "diag:" + row.id);
  }
  page.content().add<Label>(" ", TextRole::body, TextAlign::start, "action_status");
  for (const auto& actions : action_rows) {
    Row& buttons = page.bar().add<Row>(2 * u);
    for (const auto& action : actions) {
      auto style = action.danger ? Button::Style::danger : Button::Style::secondary;
      buttons.add<Button>(action.label, style, "action:" + action.id)
          .on_click([this, id = action.id] {
            if (m_on_action) m_on_action(id);
          });
    }
  }
  relayout();
}

void TechnicianScreen::set_value(const std::string& id, std::string value) {
  if (auto* label = static_cast<Label*>(root().find("diag:" + id))) {
    label->set_text(std::move(value));
    relayout();
  }
}

std::string TechnicianScreen::value(const std::string& id) const {
  const auto* label = static_cast<const Label*>(root().find("diag:" + id));
  return label ? label->text() : std::string();
}

void TechnicianScreen::set_status(std::string text, bool is_error) {
  auto* label = static_cast<Label*>(root().find("action_status"));
  label->set_tone(is_error ? Label::Tone::danger : Label::Tone::normal);
  label->set_text(std::move(text));
  relayout();
}

std::string TechnicianScreen::status() const {
  return static_cast<const Label*>(root().find("action_status"))->text();
}

void TechnicianScreen::set_action_label(const std::string& id, std::string label) {
  if (auto* button = static_cast<Button*>(root().find("action:" + id))) {
    button->set_label(std::move(label));
    relayout();
  }
}

}  // namespace shubbak
