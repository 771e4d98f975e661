#include "kiosk/app/kiosk_shell.hpp"

#include "screens/shell/secret_corner.hpp"

namespace shubbak {

KioskShell::KioskShell(UiContext& ui, KioskApp& app, SessionServices& services, workflow::Catalog catalog,
                       std::function<CivilDate()> today, Options options, Log log)
    : m_ui(ui),
      m_app(app),
      m_services(services),
      m_catalog(std::move(catalog)),
      m_today(std::move(today)),
      m_options(std::move(options)),
      m_log(std::move(log)) {
  m_app.on_activity([this] {
    if (m_session) m_session->activity();
  });
}

void KioskShell::replace_catalog(workflow::Catalog catalog) {
  if (m_session) {
    m_next_catalog = std::move(catalog);
    return;
  }
  m_catalog = std::move(catalog);
  m_log.info("{} service(s) now offered", m_catalog.services.size());
}

void KioskShell::set_out_of_service(std::string reason_key) {
  m_out_of_service = std::move(reason_key);
  m_log.info("{}", m_out_of_service.empty() ? "back in service" : "out of service: " + m_out_of_service);
  if (!m_session) show_welcome();
}

void KioskShell::show_welcome() {
  if (!m_out_of_service.empty()) {
    StepView notice;
    notice.kind = StepView::Kind::finished;
    notice.title = std::string(m_ui.message("out_of_service.title"));
    notice.body = std::string(m_ui.message(m_out_of_service));
    auto screen = std::make_unique<StepScreen>(m_ui, std::move(notice), StepActions{});
    if (!m_on_technician) return m_app.show(std::move(screen));
    // A technician must be able to get in to put the kiosk back in service.
    m_app.show(std::make_unique<SecretCorner>(m_ui, std::move(screen), [this] { m_on_technician(); }));
    return;
  }
  auto welcome = std::make_unique<WelcomeScreen>(m_ui, m_options.welcome);
  welcome->on_start([this] { show_menu(); });
  if (m_on_technician) welcome->on_technician([this] { m_on_technician(); });
  m_app.show(std::move(welcome));
}

void KioskShell::show_menu() {
  StepView menu;
  menu.kind = StepView::Kind::menu;
  menu.title = std::string(m_ui.message("menu.title"));
  menu.can_go_back = true;
  for (const auto& service : m_catalog.services) {
    menu.options.push_back({service->id, service->title.in(m_ui.language()), service->description.in(m_ui.language())});
  }
  if (menu.options.empty()) menu.body = std::string(m_ui.message("menu.empty"));
  StepActions actions;
  actions.back = [this] { show_welcome(); };
  actions.choose = [this](const std::string& id) { start_service(id); };
  m_app.show(std::make_unique<StepScreen>(m_ui, std::move(menu), std::move(actions)));
}

void KioskShell::start_service(std::string_view id) {
  if (!m_out_of_service.empty()) return show_welcome();
  std::shared_ptr<const workflow::Bundle> bundle;
  for (const auto& s : m_catalog.services) {
    if (s->id == id) bundle = s;
  }
  if (!bundle) {
    m_log.error("no service {}", id);
    return show_menu();
  }
  m_session = std::make_unique<WorkflowSession>(
      m_ui, m_app, m_services, bundle, m_today(), m_options.session, m_log.child("session"),
      [this](workflow::EndResult result) {
        // The next citizen starts from a clean kiosk in its default language.
        m_session.reset();
        if (m_next_catalog) {
          m_catalog = std::move(*m_next_catalog);
          m_next_catalog.reset();
          m_log.info("{} service(s) now offered", m_catalog.services.size());
        }
        if (m_ui.language() != m_options.default_language) m_ui.set_language(m_options.default_language);
        show_welcome();
        if (m_on_session_end) m_on_session_end(result);
      });
  if (m_on_session_start) m_on_session_start(*bundle);
  m_session->start();
}

}  // namespace shubbak
