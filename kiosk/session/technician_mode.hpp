// Technician mode on the kiosk: from the hidden gesture to the PIN screen (checked by
// TechnicianAccess on the background lane), then the technician's screen with the diagnostics and
// the actions (test print, card read test, out of service and back, update check, requeue of
// quarantined transactions, log export to USB, a service repository applied from a USB stick,
// logout). A session ends on logout or after
// `idle` without a touch, back to the attract screen; both are audited.
//
// Everything that blocks (printer, card, store, disk, portal, updates) runs on the background
// lane (the printer and card tests on their own lanes); the results come back to the UI thread and
// land on the screen if it is still showing.
//
// Threading: UI thread only.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "kiosk/session/audit_trail.hpp"
#include "kiosk/session/kiosk_app.hpp"
#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "kiosk/session/technician_access.hpp"
#include "kiosk/session/technician_diagnostics.hpp"
#include "screens/shell/technician_pin_screen.hpp"
#include "screens/shell/technician_screen.hpp"

namespace shubbak {

namespace trust {
class ServiceUpdater;
}

class TechnicianMode {
 public:
  struct Devices {
    ReaderDevices* readers = nullptr;   // none: the card test says so
    ReceiptPrinter* printer = nullptr;  // for its state; printing goes through KioskServices
    TransactionStore* store = nullptr;  // none: the store is out of service
    DeviceHub* devices = nullptr;
    trust::ServiceUpdater* updater = nullptr;  // none: updates are not configured
    AuditTrail* audit = nullptr;
  };
  struct Options {
    std::string kiosk_id;
    std::string version;
    std::filesystem::path data_dir;
    std::filesystem::path export_dir;
    std::string portal_url;
    TlsOptions portal_tls;
    std::chrono::milliseconds idle{std::chrono::minutes(15)};
    std::string repository_url;  // [updates] metadata_url; empty: no repository configured
    TlsOptions repository_tls;
  };

  TechnicianMode(UiContext& ui, KioskApp& app, KioskShell& shell, KioskServices& services,
                 Lane& lane, TechnicianAccess& access, Devices devices, Options options, Log log);
  ~TechnicianMode();
  TechnicianMode(const TechnicianMode&) = delete;
  TechnicianMode& operator=(const TechnicianMode&) = delete;

  // The gesture was made: the PIN screen (or, with technician mode disabled, nothing).
  void open();
  // Ends the technician's session: back to the attract screen. `reason`: "logout", "idle".
  void end_session(std::string_view reason);
  bool in_session() const { return m_in_session; }

  // The screens while they are showing (tests), else null.
  TechnicianPinScreen* pin_screen() const;
  TechnicianScreen* screen() const;
  // Runs `action` as if its button were pressed ("refresh", "print", "card", "out_of_service",
  // "update", "usb", "requeue", "export", "language", "logout").
  void run_action(const std::string& action);

 private:
  void show_technician_screen();
  DiagnosticsSources diagnostics_sources() const;
  void refresh_diagnostics();
  void show_diagnostics(const Diagnostics& diagnostics);
  void touched();
  void arm_idle_timer();
  void cancel_idle_timer();
  void status(std::string text, bool is_error = false);
  void audit_action(std::string action, std::string result);
  std::string state_text(const std::string& state) const;
  std::string out_of_service_label() const;
  // The updates line: the last check's outcome and when the next one runs.
  std::string updates_text() const;
  // A refused update in the technician's language, with the technical detail.
  std::string refusal_text(const Error& refused) const;
  // "Apply update from USB": the repository on the stick, through the same verification.
  void apply_usb_update();
  // Runs `work` on a worker and hands its result to `then` on the UI thread, if this object
  // still exists.
  template <class T>
  void on_lane(std::function<T()> work, std::function<void(T)> then);

  UiContext& m_ui;
  KioskApp& m_app;
  KioskShell& m_shell;
  KioskServices& m_services;
  Lane& m_lane;  // diagnostics, exports, requeues: off the UI thread
  TechnicianAccess& m_access;
  Devices m_devices;
  Options m_options;
  Log m_log;
  bool m_in_session = false;
  bool m_checking_pin = false;
  bool m_took_out_of_service = false;
  TechnicianPinScreen* m_pin_screen = nullptr;  // valid while m_app shows it
  TechnicianScreen* m_screen = nullptr;         // valid while m_app shows it
  EventLoop::TimerId m_idle_timer = 0;
  Liveness m_alive;
};

}  // namespace shubbak
