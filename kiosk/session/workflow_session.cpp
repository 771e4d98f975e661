#include "kiosk/session/workflow_session.hpp"

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
  return [this, alive = m_alive.token(), body = std::move(body)](Expected<T> result) {
    if (alive.lock() && m_state != SessionState::wiped) body(std::move(result));
  };
}

void WorkflowSession::start() {
  m_log.info("session started: {} {}", m_engine.bundle().id, m_engine.bundle().version);
  advance();
}

// --- The machine ---------------------------------------------------------------------------

SessionEvent WorkflowSession::event_for_step() const {
  const workflow::Step& step = m_engine.step();
  switch (step.kind) {
    case StepKind::info:
    case StepKind::menu:
    case StepKind::form:
    case StepKind::review:
      return SessionEvent::ask;
    case StepKind::read_id_card:
    case StepKind::scan_code:
      return SessionEvent::device_step;
    case StepKind::payment:
      return step.methods.size() > 1 && !m_engine.payment() ? SessionEvent::offer_methods
                                                            : SessionEvent::pay;
    case StepKind::submit:
      return SessionEvent::submit;
    case StepKind::print_receipt:
    case StepKind::queue_ticket:
      return SessionEvent::print;
    case StepKind::end:
      return SessionEvent::end;
  }
  return SessionEvent::fail;
}

bool WorkflowSession::transition(SessionEvent event) {
  auto next = next_state(m_state, event);
  if (!next) {
    m_log.error("session: {} refused in state {} (step {})", to_string(event), to_string(m_state),
                m_engine.step().id);
    return false;
  }
  if (*next != m_state)
    m_log.debug("session: {} -> {} on {}", to_string(m_state), to_string(*next), to_string(event));
  m_state = *next;
  return true;
}

void WorkflowSession::advance() {
  m_log.debug("step {} ({})", m_engine.step().id, to_string(m_engine.step().kind));
  if (m_engine.stopped()) m_log.error("service stopped: {}", m_engine.stopped()->describe());
  if (!transition(event_for_step()))
    return fail("the service led to a step the session cannot take now");
  render();
  arm_idle_timer();
  start_state_work();
}

void WorkflowSession::start_state_work() {
  switch (m_state) {
    case SessionState::device_work:
      if (m_engine.step().kind == StepKind::read_id_card) return read_card();
      return scan();
    case SessionState::paying:
      return take_payment();
    case SessionState::submitting:
      return store_transaction();
    case SessionState::printing:
      return print_document();
    case SessionState::ended:
    case SessionState::collect_at_counter:
      if (m_engine.step().kind != StepKind::end) return;
      cancel_timers();
      m_end_timer =
          m_ui.loop().add_timer(std::chrono::seconds(m_options.end_screen_seconds), [this] {
            m_end_timer = 0;
            finish();
          });
      return;
    case SessionState::asking:
    case SessionState::choosing_payment:
    case SessionState::wiped:
      return;
  }
}

void WorkflowSession::read_card() {
  m_services.read_identity(m_engine.step().profile, guarded<CardIdentity>([this](auto result) {
                             if (result) return device_done(Outcome::ok, result->answers());
                             device_done(result.error().code == Errc::timeout ? Outcome::timeout
                                         : result.error().code == Errc::cancelled
                                             ? Outcome::cancelled
                                             : Outcome::device_error);
                           }));
}

void WorkflowSession::scan() {
  m_services.scan_code(guarded<std::string>([this](auto result) {
    if (result) return device_done(Outcome::ok, {{"code", *result}});
    device_done(result.error().code == Errc::timeout ? Outcome::timeout : Outcome::device_error);
  }));
}

void WorkflowSession::choose_payment_method(const std::string& method) {
  if (method == "reference") {
    // Paid elsewhere later: the transaction records the reference and "awaiting payment".
    return device_done(Outcome::ok,
                       {{"method", "reference"}, {"reference", m_services.payment_reference()}});
  }
  if (!transition(SessionEvent::pay)) return;
  render();  // the waiting screen
  take_payment();
}

void WorkflowSession::take_payment() {
  const workflow::Step& step = m_engine.step();
  if (step.methods.size() == 1 && step.methods.front() == "reference")
    return choose_payment_method("reference");
  auto amount = m_engine.payment_amount();
  if (!amount) {
    m_log.error("payment amount: {}", amount.error().describe());
    return device_done(Outcome::device_error);
  }
  PaymentRequest request{*amount, m_services.payment_reference()};
  // The record as it will be stored if the terminal approves: checked before any money moves.
  workflow::TransactionDraft draft = m_engine.transaction_draft();
  draft.payment = workflow::Payment{*amount, "terminal", request.reference, {}};
  m_services.pay(request, draft, guarded<PaymentResult>([this, request](auto result) {
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
}

void WorkflowSession::store_transaction() {
  m_services.record(m_engine.transaction_draft(), guarded<std::string>([this](auto result) {
                      if (!result) {
                        m_log.error("transaction not stored: {}", result.error().describe());
                        return device_done(Outcome::failed);
                      }
                      m_transaction_id = *result;
                      device_done(Outcome::ok, {{"transaction_id", *result}});
                    }));
}

void WorkflowSession::print_document() {
  if (m_engine.step().kind == StepKind::print_receipt) {
    return m_services.print_receipt(
        m_engine, m_transaction_id,
        guarded<PrintedDocument>([this](auto result) { printed(std::move(result), "receipt"); }));
  }
  m_services.issue_ticket(m_engine.step().counter, m_transaction_id,
                          guarded<PrintedDocument>(
                              [this](auto result) { printed(std::move(result), "queue ticket"); }));
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
    transition(SessionEvent::print_failed);
    return device_done(Outcome::device_error);
  }
  device_done(Outcome::ok);
}

void WorkflowSession::retry_print() {
  if (!m_uncollected || m_retrying || !transition(SessionEvent::retry_print)) return;
  m_retrying = true;
  render();  // the "try again" button goes while it tries
  m_services.retry_print(
      m_uncollected->receipt_id, guarded<PrintedDocument>([this](auto result) {
        m_retrying = false;
        if (!result) {
          m_log.warn("printing again failed: {}", result.error().describe());
        } else if (result->printed) {
          m_log.info("receipt {} printed on the citizen's request", result->receipt_id);
          m_uncollected.reset();
          transition(SessionEvent::reprinted);
        } else {
          m_uncollected = std::move(*result);  // the printer's new word, same reference
        }
        render();
      }));
}

void WorkflowSession::device_done(Outcome outcome, std::map<std::string, std::string> data) {
  m_log.info("step {}: {}", m_engine.step().id, to_string(outcome));
  m_engine.device_finished(outcome, data);
  advance();
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
  advance();
}

// --- The citizen's time --------------------------------------------------------------------

void WorkflowSession::activity() {
  if (m_warning) return;  // while warned, only "I need more time" keeps the session
  arm_idle_timer();
}

void WorkflowSession::arm_idle_timer() {
  if (m_idle_timer) m_ui.loop().cancel_timer(m_idle_timer);
  m_idle_timer = 0;
  // Only a session waiting for the citizen times out; device work has its own deadlines and
  // the end screen closes by itself.
  const workflow::Step& step = m_engine.step();
  bool waits = (m_state == SessionState::asking || m_state == SessionState::choosing_payment ||
                m_state == SessionState::collect_at_counter) &&
               step.waits_for_citizen() && step.kind != StepKind::end;
  if (!waits) return;
  m_idle_timer = m_ui.loop().add_timer(std::chrono::seconds(step_seconds()), [this] {
    m_idle_timer = 0;
    warn();
  });
}

int WorkflowSession::step_seconds() const {
  int seconds = m_engine.step().timeout_seconds.value_or(m_options.idle_seconds);
  return m_more_time ? 2 * seconds : seconds;
}

void WorkflowSession::warn() {
  if (!m_screen) return;
  m_warning = true;
  auto banner = std::make_unique<CountdownBanner>(m_ui, "idle-warning");
  CountdownBanner& countdown = *banner;
  countdown.on_more_time([this] {
    m_warning = false;
    ++m_extensions;
    // Asked once, the "more time" setting holds for the rest of this citizen's session: every
    // step's time doubled. The citizen may ask again as often as needed (no limit).
    m_more_time = true;
    m_log.info("the citizen asked for more time ({} times)", m_extensions);
    m_screen->hide_banner();
    if (m_idle_timer) m_ui.loop().cancel_timer(m_idle_timer);
    m_idle_timer = m_ui.loop().add_timer(std::chrono::seconds(step_seconds()), [this] {
      m_idle_timer = 0;
      warn();
    });
  });
  countdown.on_expired([this] { expire(); });
  countdown.start(m_options.warning_seconds);
  m_screen->show_banner(std::move(banner));
  // Heard as well as seen: how long is left, and the button, which takes the keypad's focus
  // (Enter asks for more time).
  if (Widget* more = m_screen->banner() ? m_screen->banner()->find("more-time") : nullptr)
    m_ui.set_focus(more, false);
  m_ui.announce(countdown.text() + ". " +
                m_ui.messages().format("speech.button", m_ui.language(),
                                       {{"label", m_ui.message("session.more_time")}}));
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

// --- The end -------------------------------------------------------------------------------

void WorkflowSession::fail(std::string_view why) {
  m_log.error("session failed at step {}: {}", m_engine.step().id, why);
  if (!transition(SessionEvent::fail)) return;
  m_services.abandon();
  wiped(EndResult::failed);
}

void WorkflowSession::finish() {
  if (m_state == SessionState::wiped || !transition(SessionEvent::wipe)) return;
  wiped(m_engine.finished() ? m_engine.step().result : EndResult::cancelled);
}

void WorkflowSession::wiped(EndResult result) {
  cancel_timers();
  // Paid, but no transaction stored (it failed, or the citizen left): the money goes back.
  if (m_engine.payment() && m_engine.payment()->method == "terminal" && !m_engine.submitted()) {
    m_services.refund(m_engine.payment()->reference);
  }
  m_log.info("session ended: {}", result == EndResult::completed   ? "completed"
                                  : result == EndResult::cancelled ? "cancelled"
                                                                   : "failed");
  // The owner drops this session from here on: post, so we are not destroyed mid-call.
  m_ui.loop().post([finished = m_finished, result] { finished(result); });
}

}  // namespace shubbak
