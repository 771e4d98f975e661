// One citizen's trip through one service, as the state machine of session_states.hpp: the
// workflow engine says which step comes next, the session turns it into an event, the table
// decides the state, and entering a state starts its work — a card read, the payment, the
// commit, a print — through SessionServices, whose typed results come back as the next event.
// Drawing a screen never starts anything. It also warns when the citizen seems to have gone
// (with "I need more time") and wipes the session when they have. Everything of the
// citizen's lives in this object and its engine, and goes with them; only the stored
// transaction stays.
//
// UI thread only. Device results arriving after the session ended are dropped.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "kiosk/loop/lane.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "kiosk/session/session_services.hpp"
#include "kiosk/session/session_states.hpp"
#include "kiosk/workflow/engine.hpp"
#include "screens/workflow/step_screen.hpp"

namespace shubbak {

class WorkflowSession {
 public:
  struct Options {
    int idle_seconds = 60;        // a step without its own timeout_seconds
    int warning_seconds = 20;     // the countdown before the session is wiped (EN 301 549
                                  // 7.2.1 / WCAG 2.2.1: at least 20 s; tests use less)
    int end_screen_seconds = 15;  // the last screen closes by itself
    // The citizen's "more time" setting from the start: every step's time doubled. A citizen
    // who asks for more time once has it for the rest of the session.
    bool more_time = false;
  };

  WorkflowSession(UiContext& ui, KioskApp& app, SessionServices& services,
                  std::shared_ptr<const workflow::Bundle> bundle, CivilDate today, Options options,
                  Log log, std::function<void(workflow::EndResult)> finished);
  ~WorkflowSession();
  WorkflowSession(const WorkflowSession&) = delete;
  WorkflowSession& operator=(const WorkflowSession&) = delete;

  void start();
  // A touch or a key anywhere: the citizen is still there.
  void activity();

  SessionState state() const { return m_state; }
  const workflow::WorkflowEngine& engine() const { return m_engine; }
  const std::string& transaction_id() const { return m_transaction_id; }
  // How often the citizen asked for more time (never limited), and whether every step's time
  // is doubled now.
  int extensions() const { return m_extensions; }
  bool more_time() const { return m_more_time; }
  // The time the current step gives before its warning, with the "more time" setting.
  int step_seconds() const;
  // A receipt or ticket of this session the printer could not print: it waits at the counter.
  const std::optional<PrintedDocument>& uncollected() const { return m_uncollected; }

 private:
  // The machine (workflow_session.cpp).
  // The engine moved: its step becomes an event, the table a state, then draw and start work.
  void advance();
  SessionEvent event_for_step() const;
  // Moves by the table; false (logged) when it refuses.
  bool transition(SessionEvent event);
  // The work a state starts when it is entered: never from drawing.
  void start_state_work();
  void read_card();
  void scan();
  void take_payment();
  void store_transaction();
  void print_document();
  void device_done(workflow::Outcome outcome, std::map<std::string, std::string> data = {});
  void printed(Expected<PrintedDocument> result, std::string_view what);
  void choose_payment_method(const std::string& method);
  void primary();
  void retry_print();
  void fail(std::string_view why);

  // The citizen's time.
  void arm_idle_timer();
  void cancel_timers();
  void warn();
  void expire();
  void finish();
  // Gives back what was paid and not stored, and hands the session back to its owner.
  void wiped(workflow::EndResult result);

  // What the screen shows (workflow_session_view.cpp): derived from the state and the engine.
  void render();
  StepView view() const;
  std::string collect_text() const;
  std::string text(const workflow::Text& t) const;
  std::string display(const workflow::Field& field, const workflow::Value& value) const;
  std::string issue_text(const workflow::FieldIssue& issue) const;

  // Wraps a device callback so it does nothing once this session is gone.
  template <class T>
  SessionServices::Done<T> guarded(std::function<void(Expected<T>)> body);

  UiContext& m_ui;
  KioskApp& m_app;
  SessionServices& m_services;
  workflow::WorkflowEngine m_engine;
  Options m_options;
  Log m_log;
  std::function<void(workflow::EndResult)> m_finished;
  Liveness m_alive;
  SessionState m_state = SessionState::asking;
  std::map<std::string, std::string> m_errors;  // field -> why its answer is refused
  std::string m_transaction_id;
  std::optional<PrintedDocument> m_uncollected;
  bool m_retrying = false;  // a "try printing again" is under way
  WidgetScreen* m_screen = nullptr;
  std::string m_rendered_step;  // the step the screen shows, to keep the focus on a redraw
  EventLoop::TimerId m_idle_timer = 0;
  EventLoop::TimerId m_end_timer = 0;
  bool m_warning = false;
  bool m_more_time = m_options.more_time;
  int m_extensions = 0;
};

}  // namespace shubbak
