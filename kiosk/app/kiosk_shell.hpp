// The citizen's path through the kiosk: the welcome screen, the service menu (the verified
// bundles), one service session, and back to the welcome screen for the next citizen, in the
// kiosk's default language, with nothing of the previous citizen left.
//
// UI thread only.
#pragma once

#include <functional>
#include <memory>

#include "kiosk/app/kiosk_app.hpp"
#include "kiosk/app/session_services.hpp"
#include "kiosk/app/workflow_session.hpp"
#include "kiosk/workflow/catalog.hpp"
#include "screens/shell/welcome_screen.hpp"

namespace shubbak {

class KioskShell {
 public:
  struct Options {
    Language default_language = Language::ar;
    WelcomeScreen::Options welcome;
    WorkflowSession::Options session;
  };

  KioskShell(UiContext& ui, KioskApp& app, SessionServices& services, workflow::Catalog catalog,
             std::function<CivilDate()> today, Options options, Log log);

  // A new verified set of services: taken over now if nobody is mid-session, else when the
  // current citizen's session ends. A citizen never sees a service change under them.
  void replace_catalog(workflow::Catalog catalog);
  const workflow::Catalog& catalog() const { return m_catalog; }

  void show_welcome();
  // The kiosk cannot serve anyone (its store is full or damaged): instead of the welcome screen,
  // a bilingual notice (the messages.toml key of the reason); no session starts. An empty key
  // returns the kiosk to service.
  void set_out_of_service(std::string reason_key);
  bool out_of_service() const { return !m_out_of_service.empty(); }
  void show_menu();
  void start_service(std::string_view id);

  WorkflowSession* session() { return m_session.get(); }
  // Called with each finished session's result (tests, the demo's script).
  void on_session_end(std::function<void(workflow::EndResult)> h) { m_on_session_end = std::move(h); }
  void on_session_start(std::function<void(const workflow::Bundle&)> h) { m_on_session_start = std::move(h); }
  // The hidden technician gesture, on the welcome screen and on the out-of-service notice.
  void on_technician(std::function<void()> h) { m_on_technician = std::move(h); }

 private:
  UiContext& m_ui;
  KioskApp& m_app;
  SessionServices& m_services;
  workflow::Catalog m_catalog;
  std::optional<workflow::Catalog> m_next_catalog;
  std::function<CivilDate()> m_today;
  Options m_options;
  Log m_log;
  std::unique_ptr<WorkflowSession> m_session;
  std::string m_out_of_service;  // messages.toml key of the reason; empty: in service
  std::function<void(workflow::EndResult)> m_on_session_end;
  std::function<void(const workflow::Bundle&)> m_on_session_start;
  std::function<void()> m_on_technician;
};

}  // namespace shubbak
