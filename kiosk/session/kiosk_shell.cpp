#include "kiosk/session/kiosk_shell.hpp"

#include "screens/shell/out_of_service_screen.hpp"
#include "screens/shell/secret_corner.hpp"

namespace shubbak {

KioskShell::KioskShell(UiContext& ui, KioskApp& app, SessionServices& services, DeviceHub& devices,
                       workflow::Catalog catalog, std::function<CivilDate()> today, Options options,
                       Log log)
    : m_ui(ui),
      m_app(app),
      m_services(services),
      m_devices(devices),
      m_catalog(std::move(catalog)),
      m_today(std::move(today)),
      m_options(std::move(options)),
      m_log(std::move(log)) {
  m_app.on_activity([this] {
    if (m_session) m_session->activity();
    if (m_state == ShellState::menu) arm_menu_idle();
  });
  m_devices.on_change([this, alive = std::weak_ptr<int>(m_alive)] {
    if (alive.lock()) devices_changed();
  });
}

KioskShell::~KioskShell() {
  stop_timers();
}

bool KioskShell::transition(ShellEvent event) {
  auto next = next_state(m_state, event);
  if (!next) {
    m_log.error("shell: {} refused in state {}", to_string(event), to_string(m_state));
    return false;
  }
  m_state = *next;
  return true;
}

ServiceAvailability KioskShell::availability() const {
  return assess_services(m_catalog, m_devices);
}

void KioskShell::replace_catalog(workflow::Catalog catalog) {
  if (m_session) {
    m_next_catalog = std::move(catalog);
    return;
  }
  m_catalog = std::move(catalog);
  m_log.info("{} service(s) now offered", m_catalog.services.size());
  devices_changed();
}

void KioskShell::set_out_of_service(std::string reason_key) {
  m_forced_reason = std::move(reason_key);
  m_log.info("{}", m_forced_reason.empty() ? "no longer held out of service"
                                           : "out of service: " + m_forced_reason);
  // A technician's screens stay up; the attract screen follows when they leave.
  if (!m_session && m_state != ShellState::technician) show_welcome();
}

// A device came or went, or a new set of services arrived. A citizen mid-session is never
// interrupted; on the attract screen, the menu or the notice, the kiosk follows at once.
void KioskShell::devices_changed() {
  if (m_session || m_state == ShellState::technician) return;
  auto now = availability();
  std::string reason = !m_forced_reason.empty() ? m_forced_reason : now.out_of_service_reason;
  if (m_state == ShellState::out_of_service) {
    if (reason != m_shown_reason) show_welcome();
    return;
  }
  if (!reason.empty()) return show_welcome();
  if (m_state == ShellState::menu) {
    std::vector<std::string> ids;
    for (const auto& service : now.offered) ids.push_back(service->id);
    if (ids != m_menu_ids) show_menu();
  }
}

void KioskShell::stop_timers() {
  EventLoop& loop = m_ui.loop();
  if (m_attract_timer) loop.cancel_timer(std::exchange(m_attract_timer, 0));
  if (m_menu_timer) loop.cancel_timer(std::exchange(m_menu_timer, 0));
}

void KioskShell::show_out_of_service(const std::string& reason_key) {
  if (!transition(ShellEvent::fault)) return;
  if (m_shown_reason != reason_key) m_log.warn("out of service: {}", reason_key);
  m_shown_reason = reason_key;
  auto notice = std::make_unique<OutOfServiceScreen>(m_ui, reason_key, m_options.welcome.kiosk_id);
  if (!m_on_technician) {
    m_app.show(std::move(notice));
    return state_shown();
  }
  // A technician must be able to get in to put the kiosk back in service.
  m_app.show(
      std::make_unique<SecretCorner>(m_ui, std::move(notice), [this] { enter_technician(); }));
  state_shown();
}

void KioskShell::state_shown() {
  std::pair<ShellState, std::string> now{m_state, m_shown_reason};
  if (now == m_announced) return;
  m_announced = std::move(now);
  if (m_on_state_change) m_on_state_change();
}

// The technician's screens take over: the shell's own timers stop and devices changing no
// longer swap screens, until the technician leaves and the attract screen is shown again.
void KioskShell::enter_technician() {
  if (!transition(ShellEvent::technician)) return;
  stop_timers();
  state_shown();
  m_on_technician();
}

void KioskShell::show_welcome() {
  stop_timers();
  if (m_ui.language() != m_options.default_language) m_ui.set_language(m_options.default_language);
  auto now = availability();
  std::string reason = !m_forced_reason.empty() ? m_forced_reason : now.out_of_service_reason;
  if (!reason.empty()) return show_out_of_service(reason);
  bool was_out = m_state == ShellState::out_of_service;
  if (!transition(ShellEvent::welcome)) return;
  if (was_out) m_log.info("back in service");
  m_shown_reason.clear();
  auto welcome = std::make_unique<WelcomeScreen>(m_ui, m_options.welcome);
  welcome->on_start([this] { show_menu(); });
  start_attract_loop(*welcome);
  state_shown();
  if (m_guidance)
    welcome->offer_speech_toggle(
        m_guidance->enabled(), [this] { return m_guidance->toggle(); },
        [this](Language language) { return m_guidance->can_speak(language); });
  if (m_on_technician) welcome->on_technician([this] { enter_technician(); });
  m_app.show(std::move(welcome));
}

// The attract screen names one offered service at a time, in the language on screen. The
// screen redraws only when the line changes: one frame per cycle while nobody is there.
void KioskShell::start_attract_loop(WelcomeScreen& screen) {
  auto next_line = [this, &screen] {
    if (m_state != ShellState::attract) return;
    auto now = availability();
    if (now.offered.empty()) return screen.set_highlight({});
    const auto& service = *now.offered[m_highlight++ % now.offered.size()];
    WelcomeScreen::Titles titles;
    for (Language language : k_languages)
      titles[static_cast<std::size_t>(language)] = service.title.in(language);
    screen.set_highlight(std::move(titles));
  };
  m_highlight = 0;
  next_line();
  m_attract_timer = m_ui.loop().add_repeating_timer(m_options.attract_cycle, next_line);
}

void KioskShell::arm_menu_idle() {
  EventLoop& loop = m_ui.loop();
  if (m_menu_timer) loop.cancel_timer(m_menu_timer);
  // A citizen who opened the menu and left: the next one finds the attract screen.
  m_menu_timer = loop.add_timer(m_options.menu_idle, [this] {
    m_menu_timer = 0;
    if (m_state != ShellState::menu) return;
    m_log.info("menu left untouched; back to the attract screen");
    reset_for_next_citizen();
    show_welcome();
  });
}

void KioskShell::show_menu() {
  stop_timers();
  auto now = availability();
  if (!m_forced_reason.empty() || !now.out_of_service_reason.empty()) return show_welcome();
  if (!transition(ShellEvent::open_menu)) return;
  present_menu();
  arm_menu_idle();
  state_shown();
}

// The menu's screen, in the language on screen; shown again when the citizen picks another.
void KioskShell::present_menu() {
  auto now = availability();
  StepView menu;
  menu.kind = StepView::Kind::menu;
  menu.title = std::string(m_ui.message("menu.title"));
  menu.can_go_back = true;
  m_menu_ids.clear();
  for (const auto& service : now.offered) {
    m_menu_ids.push_back(service->id);
    menu.options.push_back({service->id, service->title.in(m_ui.language()),
                            service->description.in(m_ui.language())});
  }
  // Last in the list, the time setting: chosen before the service, it doubles every step's time
  // from the first (element "option:more-time").
  if (!now.offered.empty()) {
    menu.options.push_back(
        {std::string(k_more_time_option),
         std::string(m_ui.message(m_more_time ? "menu.more_time_on" : "menu.more_time_off")),
         {}});
  }
  StepActions actions;
  actions.back = [this] {
    m_more_time = false;  // the setting is chosen on the menu, for the service picked there
    show_welcome();
  };
  actions.choose = [this](const std::string& id) {
    if (id != k_more_time_option) return start_service(id);
    // After the list's own callback has returned: the screen it belongs to is replaced.
    m_ui.loop().post([this, alive = std::weak_ptr<int>(m_alive)] {
      if (!alive.lock() || m_state != ShellState::menu) return;
      m_more_time = !m_more_time;
      m_log.info("more time for every step {}", m_more_time ? "on" : "off");
      present_menu();
      arm_menu_idle();
    });
  };
  actions.set_language = [this](Language language) {
    // After the picker's own callback has returned: the screen it belongs to is replaced.
    m_ui.loop().post([this, alive = std::weak_ptr<int>(m_alive), language] {
      if (!alive.lock() || m_state != ShellState::menu) return;
      m_ui.set_language(language);
      present_menu();
      arm_menu_idle();
    });
  };
  m_app.show(std::make_unique<StepScreen>(m_ui, std::move(menu), std::move(actions)));
}

void KioskShell::start_service(std::string_view id) {
  if (!m_options.check_store) return begin_service(std::string(id));
  if (m_start_pending) return;
  m_start_pending = true;
  m_options.check_store(
      [this, alive = std::weak_ptr<int>(m_alive), id = std::string(id), asked_in = m_state](bool) {
        if (!alive.lock()) return;
        m_start_pending = false;
        // The store's verdict is on the hub now: availability() below follows it. A timer or the
        // technician that moved the kiosk on meanwhile wins.
        if (m_state == asked_in) begin_service(id);
      });
}

void KioskShell::begin_service(const std::string& id) {
  std::shared_ptr<const workflow::Bundle> bundle;
  for (const auto& service : availability().offered) {
    if (service->id == id) bundle = service;
  }
  if (!m_forced_reason.empty() || !bundle) {
    m_log.error("service {} is not offered now", id);
    return show_welcome();
  }
  if (!transition(ShellEvent::start_service)) return;
  stop_timers();
  WorkflowSession::Options session = m_options.session;
  session.more_time = session.more_time || m_more_time;
  m_session = std::make_unique<WorkflowSession>(
      m_ui, m_app, m_services, bundle, m_today(), session, m_log.child("session"),
      [this](workflow::EndResult result) { end_session(result); });
  state_shown();
  if (m_on_session_start) m_on_session_start(*bundle);
  m_session->start();
}

// The next citizen starts from a clean kiosk: the configured display, no spoken guidance (the
// default language comes with the attract screen).
void KioskShell::reset_for_next_citizen() {
  if (m_guidance) m_guidance->set_enabled(false);
  m_more_time = false;
  if (m_options.theme && &m_ui.theme() != m_options.theme) m_ui.set_theme(*m_options.theme);
}

void KioskShell::end_session(workflow::EndResult result) {
  m_session.reset();
  transition(ShellEvent::session_ended);
  reset_for_next_citizen();
  if (m_next_catalog) {
    m_catalog = std::move(*m_next_catalog);
    m_next_catalog.reset();
    m_log.info("{} service(s) now offered", m_catalog.services.size());
  }
  if (m_options.check_store) m_options.check_store([](bool) {});  // the hub tells the shell
  show_welcome();
  if (m_on_session_end) m_on_session_end(result);
}

}  // namespace shubbak
