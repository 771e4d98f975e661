#include "kiosk/session/technician_mode.hpp"

#include <algorithm>

#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "kiosk/session/technician_export.hpp"
#include "kiosk/trust/service_updater.hpp"

namespace shubbak {

namespace {

constexpr std::string_view k_out_of_service_key = "out_of_service.technician";

// Where a technician's USB stick may hold a service repository (metadata/ and targets/): a
// "repository" directory on the stick, or the stick itself.
std::optional<std::filesystem::path> find_usb_repository(const std::filesystem::path& stick) {
  for (const auto& candidate : {stick / "repository", stick}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate / "metadata" / "timestamp.json", ec))
      return candidate;
  }
  return std::nullopt;
}

// The wall-clock time of the next check, as the technician reads a clock: local HH:MM.
std::string clock_time(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm local{};
  localtime_r(&t, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M", &local);
  return text;
}

// Directory names of exports: UTC, sortable, no characters a FAT stick refuses.
std::string utc_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// The kiosk id is in the screen's heading: the rows leave room for the repository and updates.
const std::vector<std::string>& diagnostic_ids() {
  static const std::vector<std::string> ids = {
      "version",     "printer", "card_reader", "payment_terminal", "scanner", "store",  "outbox",
      "quarantined", "disk",    "portal",      "repository",       "updates", "bundles"};
  return ids;
}

}  // namespace

TechnicianMode::TechnicianMode(UiContext& ui, KioskApp& app, KioskShell& shell,
                               KioskServices& services, Lane& lane, TechnicianAccess& access,
                               Devices devices, Options options, Log log)
    : m_ui(ui),
      m_app(app),
      m_shell(shell),
      m_services(services),
      m_lane(lane),
      m_access(access),
      m_devices(devices),
      m_options(std::move(options)),
      m_log(std::move(log)) {
  if (m_devices.updater) {
    m_devices.updater->on_checked([this] {
      if (!screen()) return;
      screen()->set_value("updates", updates_text());
      if (const auto& refused = m_devices.updater->last_refusal())
        return status(m_ui.messages().format(
                          "technician.update_refused", m_ui.language(),
                          {{"why", refusal_text(*refused)}, {"detail", refused->describe()}}),
                      true);
      const auto& current = m_devices.updater->current();
      status(m_ui.messages().format(
          "technician.update_done", m_ui.language(),
          {{"generation", current ? std::to_string(current->generation) : "-"}}));
    });
  }
}

// The updater's on_checked handler is left in place: main() destroys the updater first, and
// after the loop has stopped nothing calls it.
TechnicianMode::~TechnicianMode() {
  cancel_idle_timer();
}

template <class T>
void TechnicianMode::on_lane(std::function<T()> work, std::function<void(T)> then) {
  bool queued = run_on_lane(m_lane, m_ui.loop(), m_alive.token(), std::move(work), std::move(then));
  if (!queued) m_log.warn("a technician request was refused: the kiosk is stopping");
}

TechnicianPinScreen* TechnicianMode::pin_screen() const {
  return m_pin_screen && m_app.screen() == m_pin_screen ? m_pin_screen : nullptr;
}

TechnicianScreen* TechnicianMode::screen() const {
  return m_screen && m_app.screen() == m_screen ? m_screen : nullptr;
}

void TechnicianMode::open() {
  if (!m_access.enabled()) {
    // Fail closed, visibly only in the log: a stranger learns nothing from the gesture.
    m_log.warn("technician gesture ignored: technician mode is disabled (no technician.pin_hash)");
    return;
  }
  auto pin = std::make_unique<TechnicianPinScreen>(m_ui);
  m_pin_screen = pin.get();
  m_screen = nullptr;
  pin->on_touch([this] { touched(); });
  pin->on_cancel([this] {
    cancel_idle_timer();
    m_shell.show_welcome();
  });
  pin->on_submit([this](std::string entered) {
    if (m_checking_pin) return;
    m_checking_pin = true;
    if (auto* screen = pin_screen()) {
      screen->set_busy(true);
      screen->set_status(std::string(m_ui.message("technician.pin_checking")), false);
    }
    m_access.attempt(std::move(entered), [this](PinAttempt result) {
      m_checking_pin = false;
      TechnicianPinScreen* screen = pin_screen();
      if (!screen) return;  // the technician left (idle, cancel) while it was checked
      screen->set_busy(false);
      switch (result.outcome) {
        case PinAttempt::Outcome::granted:
          m_in_session = true;
          show_technician_screen();
          return;
        case PinAttempt::Outcome::wrong:
          screen->set_status(
              m_ui.messages().format("technician.pin_wrong", m_ui.language(),
                                     {{"left", m_ui.format().integer(result.attempts_left)}}),
              true);
          return;
        case PinAttempt::Outcome::locked: {
          auto minutes = std::chrono::ceil<std::chrono::minutes>(result.locked_for).count();
          screen->set_status(m_ui.messages().format("technician.pin_locked", m_ui.language(),
                                                    {{"minutes", m_ui.format().integer(minutes)}}),
                             true);
          return;
        }
        case PinAttempt::Outcome::disabled:
        case PinAttempt::Outcome::error:
          screen->set_status(std::string(m_ui.message("technician.pin_unavailable")), true);
          return;
      }
    });
  });
  m_app.show(std::move(pin));
  arm_idle_timer();  // an abandoned PIN screen goes back to the attract screen too
}

void TechnicianMode::end_session(std::string_view reason) {
  cancel_idle_timer();
  bool was_in_session = std::exchange(m_in_session, false);
  if (was_in_session) {
    m_log.info("technician session ended ({})", reason);
    if (m_devices.audit)
      m_devices.audit->record(audit_kind::technician_logout, {{"reason", std::string(reason)}});
  }
  m_screen = nullptr;
  m_pin_screen = nullptr;
  m_shell.show_welcome();
}

void TechnicianMode::touched() {
  if (m_idle_timer) arm_idle_timer();
}

void TechnicianMode::arm_idle_timer() {
  cancel_idle_timer();
  m_idle_timer = m_ui.loop().add_timer(m_options.idle, [this] {
    m_idle_timer = 0;
    if (!screen() && !pin_screen()) return;  // the kiosk already moved on
    end_session("idle");
  });
}

void TechnicianMode::cancel_idle_timer() {
  if (m_idle_timer) m_ui.loop().cancel_timer(m_idle_timer);
  m_idle_timer = 0;
}

std::string TechnicianMode::state_text(const std::string& state) const {
  std::string word = state.substr(0, state.find(':'));
  std::string key = "technician.state." + word;
  if (!m_ui.messages().contains(key)) return state;
  std::string text(m_ui.message(key));
  if (word.size() < state.size()) text += " (" + state.substr(word.size() + 1) + ")";
  return text;
}

std::string TechnicianMode::out_of_service_label() const {
  return std::string(m_ui.message(m_took_out_of_service ? "technician.back_in_service"
                                                        : "technician.out_of_service"));
}

void TechnicianMode::show_technician_screen() {
  std::vector<DiagnosticRow> rows;
  for (const auto& id : diagnostic_ids()) {
    rows.push_back({id, std::string(m_ui.message("technician.diag." + id)),
                    std::string(m_ui.message("technician.checking"))});
  }
  rows.back().wide = true;  // the bundle list
  rows[0].value = m_options.version;
  auto action = [this](std::string id, std::string key, bool danger = false) {
    return TechnicianAction{std::move(id), std::string(m_ui.message(key)), danger};
  };
  std::vector<std::vector<TechnicianAction>> actions = {
      {action("print", "technician.action.print"), action("card", "technician.action.card"),
       action("update", "technician.action.update"), action("requeue", "technician.action.requeue"),
       action("export", "technician.action.export")},
      {action("usb", "technician.action.usb"), action("refresh", "technician.action.refresh"),
       action("language", "welcome.switch_language"),
       TechnicianAction{"out_of_service", out_of_service_label(), true},
       action("logout", "technician.action.logout")},
  };
  std::string heading =
      m_ui.messages().format("technician.title", m_ui.language(), {{"kiosk", m_options.kiosk_id}});
  auto screen = std::make_unique<TechnicianScreen>(m_ui, std::move(heading), std::move(rows),
                                                   std::move(actions));
  m_screen = screen.get();
  m_pin_screen = nullptr;
  screen->on_touch([this] { touched(); });
  screen->on_action([this](const std::string& id) { run_action(id); });
  m_app.show(std::move(screen));
  arm_idle_timer();
  refresh_diagnostics();
}

DiagnosticsSources TechnicianMode::diagnostics_sources() const {
  DiagnosticsSources sources;
  sources.kiosk_id = m_options.kiosk_id;
  sources.version = m_options.version;
  sources.printer = m_devices.printer;
  sources.store = m_devices.store;
  sources.devices = m_devices.devices;
  sources.data_dir = m_options.data_dir;
  sources.portal_url = m_options.portal_url;
  sources.portal_tls = m_options.portal_tls;
  sources.repository_url = m_options.repository_url;
  sources.repository_tls = m_options.repository_tls;
  for (const auto& bundle : m_shell.catalog().services)
    sources.bundles.emplace_back(bundle->id, bundle->version);
  return sources;
}

void TechnicianMode::refresh_diagnostics() {
  DiagnosticsSources sources = diagnostics_sources();
  on_lane<Diagnostics>([sources] { return gather_diagnostics(sources); },
                       [this](Diagnostics diagnostics) { show_diagnostics(diagnostics); });
}

void TechnicianMode::show_diagnostics(const Diagnostics& d) {
  TechnicianScreen* s = screen();
  if (!s) return;
  const Language language = m_ui.language();
  auto count = [this](const std::optional<std::int64_t>& n) {
    return n ? m_ui.format().integer(*n) : std::string(m_ui.message("technician.state.unknown"));
  };
  s->set_value("printer", state_text(d.printer));
  for (const char* device : {"card_reader", "payment_terminal", "scanner", "store"}) {
    s->set_value(device, state_text(device_state(d, device)));
  }
  s->set_value("outbox", count(d.outbox_depth));
  s->set_value("quarantined", count(d.quarantined));
  s->set_value("disk",
               d.free_disk_bytes
                   ? m_ui.messages().format("technician.megabytes", language,
                                            {{"n", m_ui.format().integer(static_cast<std::int64_t>(
                                                       *d.free_disk_bytes / (1024 * 1024)))}})
                   : std::string(m_ui.message("technician.state.unknown")));
  std::string ms = m_ui.format().integer(d.portal.latency.count());
  std::string status_code = std::to_string(d.portal.http_status);
  switch (d.portal.result) {
    case PortalCheck::Result::not_configured:
      s->set_value("portal", std::string(m_ui.message("technician.portal_off")));
      break;
    case PortalCheck::Result::reachable:
      s->set_value("portal",
                   m_ui.messages().format("technician.portal_ok", language, {{"ms", ms}}));
      break;
    case PortalCheck::Result::refused:
      m_log.warn("the portal refuses the kiosk: {}", d.portal.error);
      s->set_value("portal", m_ui.messages().format("technician.portal_refused", language,
                                                    {{"status", status_code}}));
      break;
    case PortalCheck::Result::unreachable:
      m_log.warn("portal unreachable: {}", d.portal.error);
      s->set_value("portal",
                   m_ui.messages().format("technician.portal_down", language, {{"ms", ms}}));
      break;
  }
  const PortalCheck& r = d.repository;
  switch (r.result) {
    case PortalCheck::Result::not_configured:
      s->set_value("repository", std::string(m_ui.message("technician.portal_off")));
      break;
    case PortalCheck::Result::reachable:
      s->set_value("repository",
                   m_ui.messages().format("technician.repository_ok", language,
                                          {{"ms", m_ui.format().integer(r.latency.count())}}));
      break;
    case PortalCheck::Result::refused:
      m_log.warn("the service repository is not available: {}", r.error);
      s->set_value("repository",
                   m_ui.messages().format("technician.repository_refused", language,
                                          {{"status", std::to_string(r.http_status)}}));
      break;
    case PortalCheck::Result::unreachable:
      m_log.warn("the service repository is unreachable: {}", r.error);
      s->set_value("repository", m_ui.messages().format("technician.repository_missing", language,
                                                        {{"place", m_options.repository_url}}));
      break;
  }
  s->set_value("updates", updates_text());
  std::string bundles;
  for (const auto& [id, version] : d.bundles)
    bundles += (bundles.empty() ? "" : "   ") + id + " " + version;
  s->set_value("bundles", bundles.empty() ? std::string(m_ui.message("technician.none")) : bundles);
}

void TechnicianMode::status(std::string text, bool is_error) {
  // Logged as shown, in the technician's language: the service desk reads the same words.
  if (is_error) {
    m_log.warn("technician screen: {}", text);
  } else {
    m_log.info("technician screen: {}", text);
  }
  if (TechnicianScreen* s = screen()) s->set_status(std::move(text), is_error);
}

std::string TechnicianMode::refusal_text(const Error& refused) const {
  switch (refused.code) {
    case Errc::integrity:
      return std::string(m_ui.message("technician.refused.integrity"));
    case Errc::not_found:
      return std::string(m_ui.message("technician.refused.not_found"));
    case Errc::io:
    case Errc::timeout:
      return std::string(m_ui.message("technician.refused.unreachable"));
    default:
      return std::string(m_ui.message("technician.refused.other"));
  }
}

std::string TechnicianMode::updates_text() const {
  trust::ServiceUpdater* updater = m_devices.updater;
  if (!updater) return std::string(m_ui.message("technician.portal_off"));
  // No repository URL: only a USB stick brings updates, nothing is scheduled.
  std::string next = m_options.repository_url.empty()
                         ? std::string(m_ui.message("technician.next_none"))
                     : updater->next_check() ? clock_time(*updater->next_check())
                                             : std::string(m_ui.message("technician.next_now"));
  if (updater->last_refusal()) {
    return m_ui.messages().format("technician.updates_refused", m_ui.language(), {{"next", next}});
  }
  const auto& current = updater->current();
  return m_ui.messages().format(
      "technician.updates_ok", m_ui.language(),
      {{"generation", current ? std::to_string(current->generation) : "-"}, {"next", next}});
}

void TechnicianMode::apply_usb_update() {
  if (!m_devices.updater) return status(std::string(m_ui.message("technician.update_off")), true);
  auto repository = find_usb_repository(m_options.export_dir);
  if (!repository) {
    audit_action("usb_update", "no_repository");
    return status(m_ui.messages().format("technician.usb_none", m_ui.language(),
                                         {{"dir", m_options.export_dir.string()}}),
                  true);
  }
  // The same client workflow as the network path: the trusted root chain, signatures, expiry,
  // versions, then every bundle's length and hashes; a refusal changes nothing.
  bool started = m_devices.updater->check_directory(*repository);
  audit_action("usb_update", started ? "started" : "busy");
  m_log.info("technician applies the repository at {}", repository->string());
  status(std::string(m_ui.message(started ? "technician.usb_started" : "technician.update_busy")));
}

void TechnicianMode::audit_action(std::string action, std::string result) {
  if (m_devices.audit)
    m_devices.audit->record(audit_kind::technician_action,
                            {{"action", action}, {"result", result}});
}

void TechnicianMode::run_action(const std::string& id) {
  if (!m_in_session) return;
  const Language language = m_ui.language();
  if (id == "refresh") {
    refresh_diagnostics();
  } else if (id == "logout") {
    end_session("logout");
  } else if (id == "language") {
    // The next language the kiosk offers, round to the first.
    const auto& offered = m_ui.languages();
    auto at = std::find(offered.begin(), offered.end(), language);
    m_ui.set_language(at == offered.end() || at + 1 == offered.end() ? offered.front() : *(at + 1));
    show_technician_screen();
  } else if (id == "print") {
    status(std::string(m_ui.message("technician.working")));
    m_services.print_test_page(m_options.version, [this](Expected<PrintedDocument> printed) {
      audit_action("test_print", printed ? "ok" : std::string(to_string(printed.error().code)));
      if (printed) return status(std::string(m_ui.message("technician.print_ok")));
      status(m_ui.messages().format("technician.print_failed", m_ui.language(),
                                    {{"error", std::string(to_string(printed.error().code))}}),
             true);
    });
  } else if (id == "card") {
    if (!m_devices.readers) return status(std::string(m_ui.message("technician.card_none")), true);
    status(std::string(m_ui.message("technician.card_insert")));
    const CardProfile& profile = m_devices.readers->card_profile();
    m_devices.readers->card().read_identity(
        profile, [this, profile_id = profile.id](Expected<IdentityRecord> card) {
          // What was read stays here: only the profile and how many fields it found are shown,
          // never the card's number or the holder's data.
          audit_action("card_test", card ? "ok" : std::string(to_string(card.error().code)));
          if (!card) {
            return status(
                m_ui.messages().format("technician.card_failed", m_ui.language(),
                                       {{"error", std::string(to_string(card.error().code))}}),
                true);
          }
          int fields = 0;
          for (const std::string* field :
               {&card->id_number, &card->name_ar, &card->name_en, &card->birth_date,
                &card->expiry_date, &card->nationality, &card->card_uid}) {
            if (!field->empty()) ++fields;
          }
          status(m_ui.messages().format(
              "technician.card_ok", m_ui.language(),
              {{"profile", profile_id}, {"fields", m_ui.format().integer(fields)}}));
        });
  } else if (id == "out_of_service") {
    if (m_shell.held_out_of_service() && !m_took_out_of_service) {
      return status(std::string(m_ui.message("technician.out_of_service_other")), true);
    }
    m_took_out_of_service = !m_took_out_of_service;
    audit_action(m_took_out_of_service ? "out_of_service" : "back_in_service", "ok");
    // The shell shows the new state once the technician leaves.
    m_shell.set_out_of_service(m_took_out_of_service ? std::string(k_out_of_service_key)
                                                     : std::string());
    show_technician_screen();
    status(std::string(m_ui.message(m_took_out_of_service ? "technician.now_out_of_service"
                                                          : "technician.now_in_service")));
  } else if (id == "update") {
    if (!m_devices.updater) return status(std::string(m_ui.message("technician.update_off")), true);
    bool started = m_devices.updater->check_now();
    audit_action("update_check", started ? "started" : "busy");
    status(std::string(
        m_ui.message(started ? "technician.update_started" : "technician.update_busy")));
  } else if (id == "usb") {
    apply_usb_update();
  } else if (id == "requeue") {
    TransactionStore* store = m_devices.store;
    if (!store) return status(std::string(m_ui.message("technician.store_unavailable")), true);
    on_lane<Expected<int>>(
        [store]() -> Expected<int> {
          auto items = store->quarantined();
          if (!items) return std::unexpected(items.error());
          int requeued = 0;
          for (const auto& item : *items) {
            if (auto done = store->requeue(item.id); !done) return std::unexpected(done.error());
            ++requeued;
          }
          return requeued;
        },
        [this](Expected<int> requeued) {
          audit_action("requeue", requeued ? std::to_string(*requeued)
                                           : std::string(to_string(requeued.error().code)));
          if (!requeued)
            return status(std::string(m_ui.message("technician.store_unavailable")), true);
          status(m_ui.messages().format("technician.requeued", m_ui.language(),
                                        {{"n", m_ui.format().integer(*requeued)}}));
          refresh_diagnostics();
        });
  } else if (id == "export") {
    status(std::string(m_ui.message("technician.working")));
    DiagnosticsSources sources = diagnostics_sources();
    on_lane<Expected<ExportResult>>(
        [sources, dir = m_options.export_dir] {
          return export_technician_logs(dir, sources.kiosk_id, utc_stamp(), sources.store,
                                        diagnostics_report(gather_diagnostics(sources)));
        },
        [this](Expected<ExportResult> exported) {
          audit_action("export", exported ? "ok" : std::string(to_string(exported.error().code)));
          if (!exported) {
            m_log.warn("log export failed: {}", exported.error().describe());
            return status(std::string(m_ui.message("technician.export_failed")), true);
          }
          m_log.info("logs exported to {}", exported->directory.string());
          status(m_ui.messages().format("technician.exported", m_ui.language(),
                                        {{"dir", exported->directory.filename().string()}}));
        });
  }
}

}  // namespace shubbak
