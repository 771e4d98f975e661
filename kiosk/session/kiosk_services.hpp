// The kiosk's real SessionServices: the card reader (ReaderDevices), the payment terminal behind
// the payment journal (PaymentDesk), the transaction store, and the receipt printer with a
// receipt renderer of its own (the screen's text engine belongs to the UI thread). Blocking
// work runs on each device's own lane (device_lanes.hpp); every `done` comes back on the UI
// thread. Each use is reported to the device hub.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "drivers/card/card_profile.hpp"
#include "drivers/hid/scan_assembler.hpp"
#include "drivers/payment/payment_terminal.hpp"
#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/loop/event_loop.hpp"
#include "kiosk/payments/payment_desk.hpp"
#include "kiosk/session/audit_trail.hpp"
#include "kiosk/session/device_hub.hpp"
#include "kiosk/session/device_lanes.hpp"
#include "kiosk/session/reader_devices.hpp"
#include "kiosk/session/receipt_desk.hpp"
#include "kiosk/session/session_services.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "screens/text/text_engine.hpp"
#include "screens/ui/ui_context.hpp"

namespace shubbak {

class KioskServices final : public SessionServices {
 public:
  struct Devices {
    ReaderDevices* readers = nullptr;   // none: card steps fail as device errors
    PaymentDesk* payments = nullptr;    // none: terminal payments fail as device errors
    TransactionStore* store = nullptr;  // none (out of service): submit fails
    ReceiptPrinter* printer = nullptr;  // none: printing fails as a device error
    Config::Text fonts;                 // for the printer's own text engine, opened at first print
    std::filesystem::path card_profiles;  // assets/card-profiles
    bool scanner = false;                 // a QR/barcode scanner is configured
    AuditTrail* audit = nullptr;          // device faults and prints are audited here
    DeviceHub* hub = nullptr;             // each device's status, for the menu and the heartbeat
    PrintPolicy printing;                 // retries while the printer can print
    const DeviceKey* device_key =
        nullptr;                         // signs receipt seals (QR codes); none: receipts have none
    std::filesystem::path receipt_logo;  // printed at the top of receipts and tickets; empty: none
  };

  KioskServices(UiContext& ui, EventLoop& loop, DeviceLanes& lanes, Devices devices,
                std::string kiosk_id, Log log);
  ~KioskServices() override;

  void read_identity(const std::string& profile, Done<CardIdentity> done) override;
  void scan_code(Done<std::string> done) override;
  void pay(const PaymentRequest& request, const workflow::TransactionDraft& draft,
           Done<PaymentResult> done) override;
  std::string payment_reference() override;
  void record(const workflow::TransactionDraft& draft, Done<std::string> done) override;
  void print_receipt(const workflow::WorkflowEngine& session, const std::string& transaction_id,
                     Done<PrintedDocument> done) override;
  void issue_ticket(const std::string& counter, const std::string& transaction_id,
                    Done<PrintedDocument> done) override;
  void retry_print(const std::string& receipt_id, Done<PrintedDocument> done) override;
  void refund(const std::string& payment_reference) override;
  void abandon() override;

  // The technician's test page: a bilingual page through the same printer path as receipts.
  void print_test_page(const std::string& version, Done<PrintedDocument> done);
  // At start: payments of sessions that died before their transaction (see PaymentDesk).
  void reconcile_payments();
  // A scan from the scanner (ReaderDevices' listener, UI thread): answers a waiting scan step.
  // Scans nobody waits for are dropped: a code is only read when a step asks for one.
  void scanned(Scan scan);

  // The receipt journal for the technician's screen (UI thread; `done` on the UI thread). With
  // no store or no printer these fail with Errc::device.
  // At start: receipts a crash left pending are listed as unprinted, never printed by themselves.
  void recover_receipts();
  // Receipts and tickets not printed (failed, waiting at the counter, interrupted), newest first.
  void unprinted_receipts(std::size_t limit, Done<std::vector<JournaledReceipt>> done);
  // Everything journaled, newest first.
  void recent_receipts(std::size_t limit, Done<std::vector<JournaledReceipt>> done);
  // Prints a journaled receipt again, once, as it was first journaled (also one already printed:
  // the technician decides). The result says whether it printed and the printer's state.
  void reprint_receipt(const std::string& receipt_id, Done<PrintedDocument> done);

 private:
  // Runs `work` on `lane` and hands its result to `done` on the UI thread.
  template <class T>
  void on_lane(Lane& lane, std::function<Expected<T>()> work, Done<T> done);
  void print(ReceiptKind kind, ReceiptDocument document, std::string transaction_id,
             Done<PrintedDocument> done);
  void reprint(const std::string& receipt_id, bool unless_printed, Done<PrintedDocument> done);
  // The heartbeat, the audit log and the log hear of every print outcome (UI thread).
  void report(const ReceiptOutcome& outcome);
  void cancel_scan();
  // The QR text of a stored transaction's seal (worker thread: reads the store, signs).
  Expected<std::string> receipt_seal(const std::string& transaction_id) const;
  std::vector<std::pair<std::string, std::string>> details(const std::string& transaction_id) const;
  // A use of `device` ended: the hub hears of it, and a failure is audited.
  void used(DeviceId device, const Error* failure);

  UiContext& m_ui;
  EventLoop& m_loop;
  DeviceLanes& m_lanes;
  Devices m_devices;
  std::string m_kiosk_id;
  Log m_log;
  std::unique_ptr<ReceiptJournal> m_journal;  // with a store
  std::unique_ptr<ReceiptDesk> m_receipts;    // with a store and a printer
  // Bumped by abandon(): a print queued under an older session is not sent (read on the printer
  // lane).
  std::shared_ptr<std::atomic<std::uint64_t>> m_session =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  std::map<std::string, int> m_ticket_numbers;         // per counter, since the kiosk started
  std::map<std::string, CardProfile> m_card_profiles;  // read from assets once, by id
  Done<std::string> m_waiting_scan;
  EventLoop::TimerId m_scan_timer = 0;
  Liveness m_alive;
};

}  // namespace shubbak
