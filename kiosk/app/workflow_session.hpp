// One citizen's trip through one service: shows each step of the workflow engine as a step
// screen, runs device steps through SessionServices, warns when the citizen seems to have gone
// (with "I need more time"), and wipes the session when they have. Everything of the citizen's
// lives in this object and its engine, and goes with them; only the submitted transaction stays.
//
// UI thread only. Device results arriving after the session ended are dropped.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "kiosk/app/kiosk_app.hpp"
#include "kiosk/app/session_services.hpp"
#include "kiosk/workflow/engine.hpp"
#include "screens/workflow/step_screen.hpp"

namespace shubbak {

class WorkflowSession {
 public:
  struct Options {
    int idle_seconds = 60;        // a step without its own timeout_seconds
    int warning_seconds = 20;     // the countdown before the session is wiped
    int end_screen_seconds = 15;  // the last screen closes by itself
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

  const workflow::WorkflowEngine& engine() const { return m_engine; }
  const std::string& transaction_id() const { return m_transaction_id; }
  // A receipt or ticket of this session the printer could not print: it waits at the counter.
  const std::optional<PrintedDocument>& uncollected() const { return m_uncollected; }

 private:
  void show();
  StepView view() const;
  void run_device_step();
  void device_done(workflow::Outcome outcome, std::map<std::string, std::string> data = {});
  void pay(const std::string& method);
  void primary();
  void arm_idle_timer();
  void cancel_timers();
  void warn();
  void expire();
  void finish();
  void printed(Expected<PrintedDocument> result, std::string_view what);
  void retry_print();
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
  std::shared_ptr<int> m_alive = std::make_shared<int>(0);
  std::map<std::string, std::string> m_errors;  // field -> why its answer is refused
  bool m_choosing_method = false;               // a payment step offering card or reference
  bool m_method_chosen = false;
  std::string m_transaction_id;
  std::optional<PrintedDocument> m_uncollected;
  bool m_retrying = false;  // a "try printing again" is under way
  WidgetScreen* m_screen = nullptr;
  EventLoop::TimerId m_idle_timer = 0;
  EventLoop::TimerId m_end_timer = 0;
  bool m_warning = false;
  bool m_done = false;
};

}  // namespace shubbak
