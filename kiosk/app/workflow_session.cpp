#include "kiosk/app/workflow_session.hpp"

#include <fmt/format.h>

#include "screens/ui/countdown_banner.hpp"

namespace shubbak {

using workflow::EndResult;
using workflow::Outcome;
using workflow::StepKind;

WorkflowSession::WorkflowSession(UiContext& ui, KioskApp& app, SessionServices& services,
                                 std::shared_ptr<const workflow::Bundle> bundle, CivilDate today,
                                 Options options, Log log, std::function<void(EndResult)> finished)
    : m_ui(ui),
      m_app(app),
      m_services(services),
      m_engine(std::move(bundle), today),
      m_options(options),
      m_log(std::move(log)),
      m_finished(std::move(finished)) {}

WorkflowSession::~WorkflowSession() {
  cancel_timers();
}

template <class T>
SessionServices::Done<T> WorkflowSession::guarded(std::function<void(Expected<T>)> body) {
  return [alive = std::weak_ptr<int>(m_alive), body = std::move(body)](Expected<T> result) {
    if (alive.lock()) body(std::move(result));
  };
}

void WorkflowSession::start() {
  m_log.info("session started: {} {}", m_engine.bundle().id, m_engine.bundle().version);
  show();
}

std::string WorkflowSession::text(const workflow::Text& t) const {
  return t.in(m_ui.language());
}

std::string WorkflowSession::display(const workflow::Field& field,
                                     const workflow::Value& value) const {
  if (value.is_null()) return "—";
  if (const auto* s = std::get_if<std::string>(&value.data)) {
    for (const auto& c : field.choices) {
      if (c.value == *s) return text(c.label);
    }
    return *s;
  }
  if (const auto* list = std::get_if<std::vector<std::string>>(&value.data)) {
    std::string out;
    for (const auto& v : *list) {
      for (const auto& c : field.choices) {
        if (c.value == v) out += (out.empty() ? "" : "، ") + text(c.label);
      }
    }
    return out;
  }
  if (const auto* money = std::get_if<Money>(&value.data))
    return m_ui.format().money(*money).value_or(value.to_display_string());
  if (const auto* date = std::get_if<CivilDate>(&value.data)) {
    return m_ui.format().date(*date, CalendarKind::gregorian).value_or(value.to_display_string());
  }
  if (const auto* number = std::get_if<workflow::Decimal>(&value.data)) {
    if (number->scale() == 0) return m_ui.format().integer(number->units(), false);
  }
  return value.to_display_string();
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
      if (m_choosing_method) {
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
                                         {{"reference", m_transaction_id}});
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
          v.body += "\n" + m_ui.messages().format("session.reference", m_ui.language(),
                                                  {{"reference", m_transaction_id}});
        }
      }
      // The printer let the citizen down: say so plainly (never the raw error), where to collect
      // the receipt, and offer to try again once the printer is back. It replaces the bundle's
      // "keep your receipt"; what the citizen must still do (pay by reference) stays.
      if (m_uncollected) {
        bool awaiting_payment = m_engine.payment() && m_engine.payment()->method == "reference";
        v.body = awaiting_payment ? v.body + "\n" + collect_text() : collect_text();
        if (!awaiting_payment && !m_transaction_id.empty()) {
          v.body += "\n" + m_ui.messages().format("session.reference", m_ui.language(),
                                                  {{"reference", m_transaction_id}});
        }
        if (!m_retrying)
          v.options.push_back({"print-again", std::string(m_ui.message("print.try_again")), {}});
      }
      break;
  }
  return v;
}

void WorkflowSession::show() {
  const workflow::Step& step = m_engine.step();
  m_log.debug("step {} ({})", step.id, to_string(step.kind));
  if (step.kind == StepKind::payment && step.methods.size() > 1 && !m_engine.payment() &&
      !m_method_chosen) {
    m_choosing_method = true;
  }

  StepActions actions;
  actions.primary = [this] { primary(); };
  actions.back = [this] {
    m_errors.clear();
    m_choosing_method = false;
    if (m_engine.back()) show();
  };
  actions.cancel = [this] {
    m_services.abandon();
    m_engine.cancel();
    show();
  };
  actions.choose = [this](const std::string& id) {
    if (m_engine.step().kind == StepKind::payment) return pay(id);
    if (m_engine.step().kind == StepKind::end && id == "print-again") return retry_print();
    if (m_engine.choose(id)) show();
  };
  actions.text_changed = [this](const std::string& field, const std::string& typed) {
    m_errors.erase(field);
    m_engine.set_answer(field, typed);
  };
  actions.date_changed = [this](const std::string& field, CivilDate date) {
    m_engine.set_value(field, workflow::Value{date});
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
      m_ui.loop().post([this, alive = std::weak_ptr<int>(m_alive)] {
        if (alive.lock()) show();
      });
  };

  auto screen = std::make_unique<StepScreen>(m_ui, view(), std::move(actions));
  m_screen = screen.get();
  m_app.show(std::move(screen));
  arm_idle_timer();
  if (step.kind == StepKind::end) {
    cancel_timers();
    m_end_timer = m_ui.loop().add_timer(std::chrono::seconds(m_options.end_screen_seconds),
                                        [this] { finish(); });
    return;
  }
  if ((step.is_device_step() || step.kind == StepKind::submit) && !m_choosing_method)
    run_device_step();
}

void WorkflowSession::primary() {
  switch (m_engine.step().kind) {
    case StepKind::info:
    case StepKind::review:
      m_engine.next();
      break;
    case StepKind::form: {
      m_errors.clear();
      for (const auto& issue : m_engine.next()) m_errors[issue.field] = issue_text(issue);
      break;
    }
    case StepKind::end:
      return finish();
    default:
      return;
  }
  show();
}

void WorkflowSession::pay(const std::string& method) {
  m_choosing_method = false;
  m_method_chosen = true;
  auto amount = m_engine.payment_amount();
  if (!amount) {
    m_log.error("payment amount: {}", amount.error().describe());
    return device_done(Outcome::device_error);
  }
  if (method == "reference") {
    // Paid elsewhere later: the transaction records the reference and "awaiting payment".
    return device_done(Outcome::ok,
                       {{"method", "reference"}, {"reference", m_services.payment_reference()}});
  }
  show();  // the waiting screen, which starts the terminal
}

void WorkflowSession::run_device_step() {
  const workflow::Step& step = m_engine.step();
  switch (step.kind) {
    case StepKind::read_id_card:
      m_services.read_identity(
          step.profile, guarded<std::map<std::string, std::string>>([this](auto result) {
            if (result) return device_done(Outcome::ok, std::move(*result));
            device_done(result.error().code == Errc::timeout     ? Outcome::timeout
                        : result.error().code == Errc::cancelled ? Outcome::cancelled
                                                                 : Outcome::device_error);
          }));
      break;
    case StepKind::scan_code:
      m_services.scan_code(guarded<std::string>([this](auto result) {
        if (result) return device_done(Outcome::ok, {{"code", *result}});
        device_done(result.error().code == Errc::timeout ? Outcome::timeout
                                                         : Outcome::device_error);
      }));
      break;
    case StepKind::payment: {
      auto amount = m_engine.payment_amount();
      if (!amount) return device_done(Outcome::device_error);
      PaymentRequest request{*amount, m_services.payment_reference()};
      m_services.pay(request, m_engine.bundle().id,
                     guarded<PaymentResult>([this, request](auto result) {
                       if (!result) return device_done(Outcome::device_error);
                       switch (result->status) {
                         case PaymentStatus::approved:
                           return device_done(Outcome::ok, {{"method", "terminal"},
                                                            {"reference", request.reference},
                                                            {"masked_card", result->masked_card}});
                         case PaymentStatus::declined:
                           return device_done(Outcome::declined);
                         case PaymentStatus::cancelled:
                           return device_done(Outcome::cancelled);
                         case PaymentStatus::timeout:
                           return device_done(Outcome::timeout);
                         default:
                           return device_done(Outcome::device_error);
                       }
                     }));
      break;
    }
    case StepKind::submit:
      m_services.record(m_engine.transaction_draft(), guarded<std::string>([this](auto result) {
                          if (!result) {
                            m_log.error("transaction not stored: {}", result.error().describe());
                            return device_done(Outcome::failed);
                          }
                          m_transaction_id = *result;
                          device_done(Outcome::ok, {{"transaction_id", *result}});
                        }));
      break;
    case StepKind::print_receipt:
      m_services.print_receipt(
          m_engine, m_transaction_id,
          guarded<PrintedDocument>([this](auto result) { printed(std::move(result), "receipt"); }));
      break;
    case StepKind::queue_ticket:
      m_services.issue_ticket(m_engine.step().counter, m_transaction_id,
                              guarded<PrintedDocument>([this](auto result) {
                                printed(std::move(result), "queue ticket");
                              }));
      break;
    default:
      break;
  }
}

void WorkflowSession::printed(Expected<PrintedDocument> result, std::string_view what) {
  if (!result) {
    m_log.warn("{} not printed: {}", what, result.error().describe());
    return device_done(result.error().code == Errc::timeout ? Outcome::timeout
                                                            : Outcome::device_error);
  }
  if (!result->printed) {
    // Journaled but not printed: the end screen sends the citizen to the counter with the
    // reference and offers to try again. The bundle routes it as a device error.
    m_log.warn("{} not printed (printer {}); reference {} at the counter", what,
               result->printer_state, result->counter_reference);
    m_uncollected = std::move(*result);
    return device_done(Outcome::device_error);
  }
  device_done(Outcome::ok);
}

void WorkflowSession::retry_print() {
  if (!m_uncollected || m_retrying) return;
  m_retrying = true;
  m_services.retry_print(
      m_uncollected->receipt_id, guarded<PrintedDocument>([this](auto result) {
        m_retrying = false;
        if (!result) {
          m_log.warn("printing again failed: {}", result.error().describe());
        } else if (result->printed) {
          m_log.info("receipt {} printed on the citizen's request", result->receipt_id);
          m_uncollected.reset();
        } else {
          m_uncollected = std::move(*result);  // the printer's new word, same reference
        }
        if (!m_done) show();
      }));
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

void WorkflowSession::device_done(Outcome outcome, std::map<std::string, std::string> data) {
  m_log.info("step {}: {}", m_engine.step().id, to_string(outcome));
  m_method_chosen = false;
  m_engine.device_finished(outcome, data);
  show();
}

void WorkflowSession::activity() {
  if (m_warning) return;  // while warned, only "I need more time" keeps the session
  arm_idle_timer();
}

void WorkflowSession::arm_idle_timer() {
  if (m_idle_timer) m_ui.loop().cancel_timer(m_idle_timer);
  m_idle_timer = 0;
  const workflow::Step& step = m_engine.step();
  // Device steps have their own timeouts; the end screen closes by itself.
  bool waits = step.waits_for_citizen() && step.kind != StepKind::end &&
               (!step.is_device_step() || m_choosing_method);
  if (!waits || m_done) return;
  int seconds = step.timeout_seconds.value_or(m_options.idle_seconds);
  m_idle_timer = m_ui.loop().add_timer(std::chrono::seconds(seconds), [this] {
    m_idle_timer = 0;
    warn();
  });
}

void WorkflowSession::warn() {
  if (!m_screen) return;
  m_warning = true;
  auto banner = std::make_unique<CountdownBanner>(m_ui, "idle-warning");
  CountdownBanner& countdown = *banner;
  countdown.on_more_time([this] {
    m_warning = false;
    m_log.info("the citizen asked for more time");
    m_screen->hide_banner();
    // Extra time on request: twice the step's time before the next warning.
    if (m_idle_timer) m_ui.loop().cancel_timer(m_idle_timer);
    int seconds = 2 * m_engine.step().timeout_seconds.value_or(m_options.idle_seconds);
    m_idle_timer = m_ui.loop().add_timer(std::chrono::seconds(seconds), [this] {
      m_idle_timer = 0;
      warn();
    });
  });
  countdown.on_expired([this] { expire(); });
  countdown.start(m_options.warning_seconds);
  m_screen->show_banner(std::move(banner));
}

void WorkflowSession::expire() {
  m_log.info("session timed out at step {}: wiped", m_engine.step().id);
  m_services.abandon();
  m_engine.cancel();
  finish();
}

void WorkflowSession::cancel_timers() {
  if (m_idle_timer) m_ui.loop().cancel_timer(m_idle_timer);
  if (m_end_timer) m_ui.loop().cancel_timer(m_end_timer);
  m_idle_timer = m_end_timer = 0;
}

void WorkflowSession::finish() {
  if (m_done) return;
  m_done = true;
  cancel_timers();
  // Paid, but no transaction stored (it failed, or the citizen left): the money goes back.
  if (m_engine.payment() && m_engine.payment()->method == "terminal" && !m_engine.submitted()) {
    m_services.refund(m_engine.payment()->reference);
  }
  EndResult result = m_engine.finished() ? m_engine.step().result : EndResult::cancelled;
  m_log.info("session ended: {}", result == EndResult::completed   ? "completed"
                                  : result == EndResult::cancelled ? "cancelled"
                                                                   : "failed");
  // The owner drops this session from here on: post, so we are not destroyed mid-call.
  m_ui.loop().post([finished = m_finished, result] { finished(result); });
}

}  // namespace shubbak
