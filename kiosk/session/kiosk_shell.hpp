// The citizen's path through the kiosk: the attract screen (a loop through what the kiosk
// offers, and the language choice), the service menu (the verified bundles whose devices are
// usable), one service session, and back to the attract screen for the next citizen, in the
// kiosk's default language, with nothing of the previous citizen left. When no service can run
// (no verified services, the printer out of paper, a full disk...) the kiosk is out of service
// and says why, in both languages.
//
// UI thread only.
#pragma once

#include <functional>
#include <memory>

#include "kiosk/session/device_hub.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "kiosk/session/service_availability.hpp"
#include "kiosk/session/session_services.hpp"
#include "kiosk/session/shell_states.hpp"
#include "kiosk/session/spoken_guidance.hpp"
#include "kiosk/session/workflow_session.hpp"
#include "kiosk/workflow/catalog.hpp"
#include "screens/shell/welcome_screen.hpp"

namespace shubbak {

class KioskShell {
 public:
  struct Options {
    Language default_language = Language::ar;
    WelcomeScreen::Options welcome;
    WorkflowSession::Options session;
    std::chrono::milliseconds attract_cycle{6000};  // the attract screen's next service line
    std::chrono::milliseconds menu_idle{60000};     // an untouched menu returns to attract
    const Theme* theme =
        nullptr;  // the configured theme, restored for each citizen (none: left as is)
    // Checks the store off the UI thread before a session starts and once one ends, then calls
    // its argument on the UI thread (StoreWatch::check): a kiosk that cannot store serves
    // nobody. None: not checked here.
    std::function<void(std::function<void(bool)>)> check_store = {};
  };

  // `devices` decides which services are offered; the shell follows its changes.
  KioskShell(UiContext& ui, KioskApp& app, SessionServices& services, DeviceHub& devices,
             workflow::Catalog catalog, std::function<CivilDate()> today, Options options, Log log);
  ~KioskShell();
  KioskShell(const KioskShell&) = delete;
  KioskShell& operator=(const KioskShell&) = delete;

  // A new verified set of services: taken over now if nobody is mid-session, else when the
  // current citizen's session ends. A citizen never sees a service change under them.
  void replace_catalog(workflow::Catalog catalog);
  const workflow::Catalog& catalog() const { return m_catalog; }

  // Offers the spoken-guidance toggle on the attract screen; null: no toggle (ui.speech = "off").
  // Guidance is turned off when a citizen's session ends, so the next one starts without it.
  void set_spoken_guidance(SpokenGuidance* guidance) { m_guidance = guidance; }

  // Shows the attract screen, or the out-of-service notice when nothing can be offered.
  void show_welcome();
  // The kiosk must not serve anyone whatever its devices say (its store is full or damaged, a
  // technician took it out): the messages.toml key of the reason. An empty key lifts it.
  void set_out_of_service(std::string reason_key);
  bool out_of_service() const { return m_state == ShellState::out_of_service; }
  // Whether set_out_of_service holds the kiosk (whatever is on screen now).
  bool held_out_of_service() const { return !m_forced_reason.empty(); }
  // Why the kiosk is out of service ("" when it is not).
  const std::string& out_of_service_reason() const { return m_shown_reason; }
  ShellState state() const { return m_state; }
  void show_menu();
  void present_menu();
  // Starts the service once the store is checked (at once without a check_store); a service
  // tapped again while its check runs is not started twice.
  void start_service(std::string_view id);
  // Whether a start waits for the store's check.
  bool starting() const { return m_start_pending; }
  // Whether the citizen turned on "more time" on the menu (every step's time doubled).
  bool more_time() const { return m_more_time; }
  // The menu's entry for that setting, after the services.
  static constexpr std::string_view k_more_time_option = "more-time";
  // The services a citizen may start now.
  ServiceAvailability availability() const;

  WorkflowSession* session() { return m_session.get(); }
  // Called with each finished session's result (tests, the demo's script).
  void on_session_end(std::function<void(workflow::EndResult)> h) {
    m_on_session_end = std::move(h);
  }
  void on_session_start(std::function<void(const workflow::Bundle&)> h) {
    m_on_session_start = std::move(h);
  }
  // Called when the state or the out-of-service reason changes (the service manager's status line).
  void on_state_change(std::function<void()> h) { m_on_state_change = std::move(h); }
  // The hidden technician gesture, on the welcome screen and on the out-of-service notice.
  void on_technician(std::function<void()> h) { m_on_technician = std::move(h); }

 private:
  void begin_service(const std::string& id);
  // Moves the shell by its transition table (shell_states.hpp); false, logged, when the table
  // does not allow `event` now: the caller leaves everything as it is.
  bool transition(ShellEvent event);
  void devices_changed();
  void end_session(workflow::EndResult result);
  void reset_for_next_citizen();
  void show_out_of_service(const std::string& reason_key);
  void enter_technician();
  void state_shown();
  void start_attract_loop(WelcomeScreen& screen);
  void stop_timers();
  void arm_menu_idle();

  UiContext& m_ui;
  KioskApp& m_app;
  SessionServices& m_services;
  DeviceHub& m_devices;
  workflow::Catalog m_catalog;
  std::optional<workflow::Catalog> m_next_catalog;
  std::function<CivilDate()> m_today;
  Options m_options;
  Log m_log;
  std::unique_ptr<WorkflowSession> m_session;
  ShellState m_state = ShellState::attract;
  std::string m_forced_reason;          // set_out_of_service's key; empty: the devices decide
  std::string m_shown_reason;           // the reason on screen while out of service
  std::vector<std::string> m_menu_ids;  // the services the menu on screen offers
  EventLoop::TimerId m_attract_timer = 0;
  EventLoop::TimerId m_menu_timer = 0;
  std::size_t m_highlight = 0;
  SpokenGuidance* m_guidance = nullptr;
  // The citizen asked on the menu for every step's time doubled, before any warning (issue #19):
  // their session starts with WorkflowSession::Options::more_time. Reset for the next citizen.
  bool m_more_time = false;
  std::function<void(workflow::EndResult)> m_on_session_end;
  std::function<void(const workflow::Bundle&)> m_on_session_start;
  std::function<void()> m_on_technician;
  std::function<void()> m_on_state_change;
  std::pair<ShellState, std::string> m_announced{ShellState::attract, "-"};
  bool m_start_pending = false;
  std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

}  // namespace shubbak
