// What a citizen's session shows: derived from the session's state and its engine, never
// the other way round. Drawing starts no device work (workflow_session.cpp does, on entering
// a state).
#include <fmt/format.h>

#include "kiosk/core/short_reference.hpp"
#include "kiosk/session/answer_display.hpp"
#include "kiosk/session/workflow_session.hpp"

namespace shubbak {

using workflow::EndResult;
using workflow::StepKind;

std::string WorkflowSession::text(const workflow::Text& t) const {
  return display_text(m_ui, m_engine, t);
}

std::string WorkflowSession::display(const workflow::Field& field,
                                     const workflow::Value& value) const {
  return display_answer(m_ui, m_engine, field, value);
}

std::string WorkflowSession::issue_text(const workflow::FieldIssue& issue) const {
  using Kind = workflow::FieldIssue::Kind;
  if (issue.kind == Kind::constraint && issue.message) return text(*issue.message);
  switch (issue.kind) {
    case Kind::required:
      return std::string(m_ui.message("field.required"));
    case Kind::invalid:
      return std::string(m_ui.message("field.invalid"));
    case Kind::pattern:
      return std::string(m_ui.message("field.pattern"));
    case Kind::check_digit:
      return std::string(m_ui.message("field.check_digit"));
    case Kind::too_small:
      return std::string(m_ui.message("field.too_small"));
    case Kind::too_large:
      return std::string(m_ui.message("field.too_large"));
    case Kind::constraint:
      return std::string(m_ui.message("field.invalid"));
  }
  return {};
}

StepView WorkflowSession::view() const {
  const workflow::Step& step = m_engine.step();
  StepView v;
  v.service_title = text(m_engine.bundle().title);
  v.title = text(step.title);
  if (auto progress = m_engine.progress()) {
    v.step_label = m_ui.messages().format(
        "session.step", m_ui.language(),
        {{"number", std::to_string(progress->number)}, {"total", std::to_string(progress->total)}});
  }
  if (step.body) v.body = text(*step.body);
  bool can_leave = !m_engine.payment() && !m_engine.submitted();
  v.can_cancel = can_leave;
  v.can_go_back = can_leave && m_engine.history().size() > 1;
  switch (step.kind) {
    case StepKind::info:
      v.kind = StepView::Kind::message;
      v.primary = std::string(m_ui.message("step.continue"));
      break;
    case StepKind::menu:
      v.kind = StepView::Kind::menu;
      for (const auto& o : step.options) v.options.push_back({o.value, text(o.label), {}});
      break;
    case StepKind::form:
      v.kind = StepView::Kind::form;
      v.primary = std::string(m_ui.message("step.continue"));
      for (const workflow::Field* f : m_engine.visible_fields()) {
        StepField field;
        field.id = f->name;
        field.label = text(f->label) + (m_engine.is_required(*f) ? " *" : "");
        if (f->hint) field.hint = text(*f->hint);
        auto answer = m_engine.answers().find(f->name);
        const workflow::Value* value =
            answer == m_engine.answers().end() ? nullptr : &answer->second;
        switch (f->kind) {
          case workflow::FieldKind::date:
            field.input = StepField::Input::date;
            if (value) {
              if (const auto* d = std::get_if<CivilDate>(&value->data)) field.date = *d;
            }
            break;
          case workflow::FieldKind::choice:
          case workflow::FieldKind::multi_choice:
            field.input = f->kind == workflow::FieldKind::choice ? StepField::Input::choice
                                                                 : StepField::Input::multi_choice;
            for (const workflow::Choice* c : m_engine.offered_choices(*f))
              field.choices.push_back({c->value, text(c->label), {}});
            if (value) {
              if (const auto* s = std::get_if<std::string>(&value->data)) field.selected = {*s};
              if (const auto* l = std::get_if<std::vector<std::string>>(&value->data))
                field.selected = *l;
            }
            break;
          default: {
            // A text answer whose pattern allows digits only (an account number) gets the digit
            // pad.
            bool digits_only = f->pattern && f->pattern->find_first_not_of(
                                                 "[0-9]{},+*?^$0123456789") == std::string::npos;
            field.input =
                f->kind == workflow::FieldKind::number || f->kind == workflow::FieldKind::money
                    ? StepField::Input::number
                : f->kind == workflow::FieldKind::phone ||
                        f->kind == workflow::FieldKind::national_id || digits_only
                    ? StepField::Input::phone
                    : StepField::Input::text;
            if (value && !value->is_null()) field.text = value->to_display_string();
            if (f->kind == workflow::FieldKind::money && value) {
              if (const auto* m = std::get_if<Money>(&value->data))
                field.text = to_decimal_string(*m).value_or("");
            }
            break;
          }
        }
        if (auto e = m_errors.find(f->name); e != m_errors.end()) field.error = e->second;
        v.fields.push_back(std::move(field));
      }
      break;
    case StepKind::review:
      v.kind = StepView::Kind::review;
      v.primary = std::string(m_ui.message("step.confirm"));
      for (const workflow::Field* f : m_engine.visible_fields()) {
        auto answer = m_engine.answers().find(f->name);
        v.summary.emplace_back(
            text(f->label),
            display(*f, answer == m_engine.answers().end() ? workflow::Value{} : answer->second));
      }
      break;
    case StepKind::payment:
      if (m_state == SessionState::choosing_payment) {
        v.kind = StepView::Kind::message;
        if (auto amount = m_engine.payment_amount()) {
          v.body = fmt::format("{}\n{}", v.body, m_ui.format().money(*amount).value_or(""));
        }
        for (const auto& method : step.methods) {
          v.options.push_back(
              {method,
               std::string(
                   m_ui.message(method == "terminal" ? "payment.by_card" : "payment.by_reference")),
               {}});
        }
        break;
      }
      [[fallthrough]];
    case StepKind::read_id_card:
    case StepKind::scan_code:
    case StepKind::submit:
    case StepKind::print_receipt:
    case StepKind::queue_ticket:
      v.kind = StepView::Kind::waiting;
      v.can_go_back = false;
      v.can_cancel = step.kind == StepKind::read_id_card || step.kind == StepKind::scan_code;
      break;
    case StepKind::end:
      v.kind = StepView::Kind::finished;
      v.can_cancel = v.can_go_back = false;
      v.primary = std::string(m_ui.message("step.finish"));
      if (!m_transaction_id.empty()) {
        v.body += (v.body.empty() ? "" : "\n") +
                  m_ui.messages().format("session.reference", m_ui.language(),
                                         {{"reference", short_reference(m_transaction_id)}});
      }
      // Not paid yet: whatever the bundle's last screen says, the citizen must read that the
      // request waits for a payment, how much, and with which reference.
      if (m_engine.payment() && m_engine.payment()->method == "reference" &&
          step.result == EndResult::completed) {
        v.title = std::string(m_ui.message("payment.awaiting_title"));
        v.body = m_ui.messages().format(
            "payment.awaiting_body", m_ui.language(),
            {{"amount", m_ui.format()
                            .money(m_engine.payment()->amount)
                            .value_or(format_money(m_engine.payment()->amount))},
             {"reference", m_engine.payment()->reference}});
        if (!m_transaction_id.empty()) {
          v.body +=
              "\n" + m_ui.messages().format("session.reference", m_ui.language(),
                                            {{"reference", short_reference(m_transaction_id)}});
        }
      }
      // The printer let the citizen down: say so plainly (never the raw error), where to collect
      // the receipt, and offer to try again once the printer is back. It replaces the bundle's
      // "keep your receipt"; what the citizen must still do (pay by reference) stays.
      if (m_uncollected) {
        bool awaiting_payment = m_engine.payment() && m_engine.payment()->method == "reference";
        v.body = awaiting_payment ? v.body + "\n" + collect_text() : collect_text();
        if (!awaiting_payment && !m_transaction_id.empty()) {
          v.body +=
              "\n" + m_ui.messages().format("session.reference", m_ui.language(),
                                            {{"reference", short_reference(m_transaction_id)}});
        }
        if (!m_retrying)
          v.options.push_back({"print-again", std::string(m_ui.message("print.try_again")), {}});
      }
      break;
  }
  return v;
}

void WorkflowSession::render() {
  StepActions actions;
  actions.primary = [this] { primary(); };
  actions.back = [this] {
    m_errors.clear();
    if (m_engine.back()) advance();
  };
  actions.cancel = [this] {
    m_services.abandon();
    m_engine.cancel();
    advance();
  };
  actions.choose = [this](const std::string& id) {
    if (m_state == SessionState::choosing_payment) return choose_payment_method(id);
    if (m_engine.step().kind == StepKind::end && id == "print-again") return retry_print();
    if (m_engine.choose(id)) advance();
  };
  // The engine stopped the service (over its work budget): leave this screen for the end step,
  // once the screen's own callback has returned.
  auto show_later = [this] {
    m_ui.loop().post([this, alive = m_alive.token()] {
      if (alive.lock()) advance();
    });
  };
  actions.text_changed = [this, show_later](const std::string& field, const std::string& typed) {
    m_errors.erase(field);
    m_engine.set_answer(field, typed);
    if (m_engine.stopped()) show_later();
  };
  actions.date_changed = [this, show_later](const std::string& field, CivilDate date) {
    m_engine.set_value(field, workflow::Value{date});
    if (m_engine.stopped()) show_later();
  };
  actions.choices_changed = [this](const std::string& field, std::vector<std::string> values) {
    m_errors.erase(field);
    const workflow::Field* f = m_engine.bundle().field(field);
    auto before = m_engine.visible_fields();
    if (f && f->kind == workflow::FieldKind::choice) {
      m_engine.set_value(field,
                         values.empty() ? workflow::Value{} : workflow::Value{values.front()});
    } else {
      m_engine.set_value(field, workflow::Value{std::move(values)});
    }
    // A choice can show or hide other questions (skip logic): redraw the form when it does.
    if (m_engine.visible_fields() != before)
      m_ui.loop().post([this, alive = m_alive.token()] {
        if (alive.lock()) render();
      });
  };
  actions.set_language = [this](Language language) {
    // After the picker's own callback has returned: render() replaces its screen.
    m_ui.loop().post([this, alive = m_alive.token(), language] {
      if (!alive.lock()) return;
      m_log.info("language switched to {}", to_string(language));
      m_ui.set_language(language);
      render();
    });
  };
  // A keypad user's place survives a redraw of the same step (a choice that shows or hides
  // questions): the control with the focused one's id takes the focus again.
  bool same_step = m_rendered_step == m_engine.step().id;
  m_rendered_step = m_engine.step().id;
  std::string focused_id = same_step && m_ui.focused() ? m_ui.focused()->id() : std::string();
  auto screen = std::make_unique<StepScreen>(m_ui, view(), std::move(actions));
  m_screen = screen.get();
  m_app.show(std::move(screen));
  if (!focused_id.empty()) {
    if (Widget* again = m_screen->root().find(focused_id)) m_ui.set_focus(again, false);
  }
}

std::string WorkflowSession::collect_text() const {
  const PrintedDocument& d = *m_uncollected;
  std::string_view problem = d.printer_state == "media-empty" ? "print.problem.media_empty"
                             : d.printer_state == "jam"       ? "print.problem.jam"
                             : d.printer_state == "door-open" ? "print.problem.door_open"
                                                              : "print.problem.other";
  std::string collect =
      m_ui.messages().format(d.ticket.empty() ? "print.collect_receipt" : "print.collect_ticket",
                             m_ui.language(), {{"reference", d.counter_reference}});
  return std::string(m_ui.message(problem)) + "\n" + collect;
}

}  // namespace shubbak
