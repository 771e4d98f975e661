#include "kiosk/app/kiosk_services.hpp"

#include <chrono>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "drivers/card/card_profile.hpp"
#include "screens/receipt/receipt_renderer.hpp"

namespace shubbak {

KioskServices::KioskServices(UiContext& ui, EventLoop& loop, WorkerPool& workers, Devices devices,
                             std::string kiosk_id, Log log)
    : m_ui(ui), m_loop(loop), m_workers(workers), m_devices(devices), m_kiosk_id(std::move(kiosk_id)), m_log(std::move(log)) {}

KioskServices::~KioskServices() = default;

template <class T>
void KioskServices::on_worker(std::function<Expected<T>()> work, Done<T> done) {
  bool queued = m_workers.submit([this, work = std::move(work), done = std::move(done), alive = std::weak_ptr<int>(m_alive)] {
    auto result = std::make_shared<Expected<T>>(work());
    m_loop.post([done, result, alive] {
      if (alive.lock()) done(std::move(*result));
    });
  });
  if (!queued) m_log.warn("a device request was refused: the kiosk is stopping");
}

void KioskServices::read_identity(const std::string& profile_id, Done<std::map<std::string, std::string>> done) {
  if (!m_devices.readers) return done(fail(Errc::device, "no card reader is configured"));
  // Profiles are small files, read once: no disk access on the UI thread at every card step.
  auto cached = m_card_profiles.find(profile_id);
  if (cached == m_card_profiles.end()) {
    auto profile = load_card_profile(m_devices.card_profiles / (profile_id + ".json"));
    if (!profile) {
      m_log.error("card profile {}: {}", profile_id, profile.error().describe());
      return done(std::unexpected(profile.error()));
    }
    cached = m_card_profiles.emplace(profile_id, std::move(*profile)).first;
  }
  m_devices.readers->card().read_identity(cached->second, [this, done, alive = std::weak_ptr<int>(m_alive)](Expected<IdentityRecord> card) {
    if (!card) {
      if (alive.lock() && card.error().code != Errc::timeout && card.error().code != Errc::cancelled) {
        audit_fault("card_reader", card.error());
      }
      return done(std::unexpected(card.error()));
    }
    if (alive.lock()) healthy("card_reader");
    // Only what the profile read; the record itself wipes its buffers when it goes.
    done(std::map<std::string, std::string>{{"id_number", card->id_number},     {"name_ar", card->name_ar},
                                            {"name_en", card->name_en},         {"birth_date", card->birth_date},
                                            {"expiry_date", card->expiry_date}, {"nationality", card->nationality}});
  });
}

namespace {
constexpr std::chrono::seconds k_scan_wait{60};
}

void KioskServices::scan_code(Done<std::string> done) {
  if (!m_devices.scanner) return done(fail(Errc::device, "no scanner is configured"));
  abandon();  // one waiting scan at a time
  m_waiting_scan = std::move(done);
  m_scan_timer = m_loop.add_timer(k_scan_wait, [this] {
    m_scan_timer = 0;
    if (auto waiting = std::exchange(m_waiting_scan, nullptr)) waiting(fail(Errc::timeout, "nothing was scanned"));
  });
}

void KioskServices::scanned(Scan scan) {
  auto waiting = std::exchange(m_waiting_scan, nullptr);
  if (m_scan_timer) m_loop.cancel_timer(m_scan_timer);
  m_scan_timer = 0;
  if (!waiting) return;
  if (scan.outcome != Scan::Outcome::text) {
    // The scanner's filter dropped it (a payment card swiped, an over-long read): never kept.
    m_log.warn("a scan was dropped by the scanner's filter");
    return waiting(fail(Errc::invalid_argument, "the scanned input was refused"));
  }
  waiting(std::move(scan.text));
}

void KioskServices::pay(const PaymentRequest& request, const std::string& service_id, Done<PaymentResult> done) {
  if (!m_devices.payments) return done(fail(Errc::device, "no payment terminal is configured"));
  PaymentDesk* desk = m_devices.payments;
  on_worker<PaymentResult>([desk, request, service_id] { return desk->pay(request, service_id); },
                           [this, done = std::move(done)](Expected<PaymentResult> result) {
                             if (!result) {
                               audit_fault("payment_terminal", result.error());
                             } else {
                               healthy("payment_terminal");
                             }
                             done(std::move(result));
                           });
}

std::string KioskServices::payment_reference() { return PaymentDesk::new_reference(m_kiosk_id); }

void KioskServices::record(const workflow::TransactionDraft& draft, Done<std::string> done) {
  TransactionStore* store = m_devices.store;
  if (!store) return done(fail(Errc::io, "the transaction store is out of service"));
  TransactionDraft stored;
  stored.service_id = draft.service_id;
  stored.service_version = draft.service_version;
  stored.fields = draft.fields;
  if (draft.payment) {
    stored.amount = draft.payment->amount;
    stored.payment_reference = draft.payment->reference;
    stored.fields.emplace_back("payment_method", draft.payment->method);
  }
  PaymentDesk* desk = m_devices.payments;
  std::string paid_reference =
      draft.payment && draft.payment->method == "terminal" ? draft.payment->reference : std::string();
  on_worker<std::string>(
      [store, stored, desk, paid_reference, log = m_log]() -> Expected<std::string> {
        auto record = store->commit(stored);
        if (!record) return std::unexpected(record.error());
        // The payment is now part of a durable transaction: it is no longer open.
        if (desk && !paid_reference.empty()) {
          if (auto settled = desk->settle(paid_reference); !settled) {
            log.warn("payment {} stored but not closed in the journal: {}", paid_reference, settled.error().describe());
          }
        }
        log.info("transaction {} stored (sequence {})", record->id, record->sequence);
        return record->id;
      },
      std::move(done));
}

std::vector<std::pair<std::string, std::string>> KioskServices::details(const std::string& transaction_id) const {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &local);
  return {{std::string(m_ui.message("receipt.transaction")), transaction_id},
          {std::string(m_ui.message("receipt.time")), when},
          {std::string(m_ui.message("receipt.kiosk")), m_kiosk_id}};
}

void KioskServices::print_receipt(const workflow::WorkflowEngine& session, const std::string& transaction_id,
                                  Done<PrintedDocument> done) {
  const workflow::Bundle& bundle = session.bundle();
  if (!bundle.receipt) return done(fail(Errc::invalid_argument, "the service has no receipt"));
  Language language = m_ui.language();
  ReceiptDocument document;
  document.language = language;
  document.issuer = bundle.title.in(language);
  document.title = bundle.receipt->title.in(language);
  for (const auto& line : bundle.receipt->lines) {
    auto value = session.evaluate(line.value);
    std::string shown = value ? value->to_display_string() : "—";
    if (value) {
      if (const auto* money = std::get_if<Money>(&value->data)) shown = m_ui.format().money(*money).value_or(shown);
      // A choice prints as its label in the citizen's language, not its stored value.
      if (const auto* text = std::get_if<std::string>(&value->data); text && line.value.references().size() == 1) {
        if (const workflow::Field* field = bundle.field(line.value.references().front())) {
          for (const auto& choice : field->choices) {
            if (choice.value == *text) shown = choice.label.in(language);
          }
        }
      }
    }
    document.lines.emplace_back(line.label.in(language), shown);
  }
  if (session.payment()) {
    document.total_label = std::string(m_ui.message("receipt.total"));
    document.total = m_ui.format().money(session.payment()->amount).value_or(format_money(session.payment()->amount));
    if (session.payment()->method == "reference") {
      document.lines.emplace_back(std::string(m_ui.message("receipt.pay_with")), session.payment()->reference);
    }
  }
  document.details = details(transaction_id);
  if (bundle.receipt->footer) document.footer = bundle.receipt->footer->in(language);
  print(std::move(document), "receipt-" + transaction_id, std::move(done));
}

void KioskServices::audit_fault(std::string_view device, const Error& error) {
  if (m_devices.audit) m_devices.audit->record(audit_kind::device_fault, {{"device", std::string(device)}, {"error", std::string(to_string(error.code))}});
  if (m_devices.health) m_devices.health->set(std::string(device), "fault:" + std::string(to_string(error.code)));
}

void KioskServices::healthy(const std::string& device) {
  if (m_devices.health) m_devices.health->set(device, "ok");
}

void KioskServices::issue_ticket(const std::string& counter, const std::string& transaction_id, Done<std::string> done) {
  int number = ++m_ticket_numbers[counter];
  std::string ticket = fmt::format("{}-{:03}", counter, number);
  for (auto& c : ticket) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ReceiptDocument document;
  document.language = m_ui.language();
  document.issuer = std::string(m_ui.message("ticket.issuer"));
  document.title = std::string(m_ui.message("ticket.title"));
  document.big_number = ticket;
  document.details = details(transaction_id);
  document.footer = std::string(m_ui.message("ticket.footer"));
  print(std::move(document), "ticket-" + transaction_id,
        [done, ticket](Expected<PrintedDocument> printed) {
          if (!printed) return done(std::unexpected(printed.error()));
          done(ticket);
        });
}

void KioskServices::print_test_page(const std::string& version, Done<PrintedDocument> done) {
  // Both languages on one page, whatever the UI shows: the Arabic and Latin fonts, shaping and
  // bidi all have to work for it to come out right.
  ReceiptDocument document;
  document.language = m_ui.language();
  document.issuer = std::string(m_ui.messages().get("app.name", Language::ar)) + " · " +
                    std::string(m_ui.messages().get("app.name", Language::en));
  document.title = std::string(m_ui.messages().get("technician.test_page", Language::ar));
  document.big_number = "0123456789";
  document.lines.emplace_back(std::string(m_ui.messages().get("technician.test_page", Language::en)), version);
  document.details = details("test-page");
  document.footer = std::string(m_ui.messages().get("technician.test_page_footer", Language::ar)) + " — " +
                    std::string(m_ui.messages().get("technician.test_page_footer", Language::en));
  print(std::move(document), "test-page", std::move(done));
}

void KioskServices::print(ReceiptDocument document, std::string job, Done<PrintedDocument> done) {
  if (!m_devices.printer) return done(fail(Errc::device, "no printer is configured"));
  ReceiptPrinter* printer = m_devices.printer;
  on_worker<PrintedDocument>(
      [this, printer, document = std::move(document), job]() -> Expected<PrintedDocument> {
        std::lock_guard lock(m_render_mutex);
        if (!m_receipt_text) {
          auto opened = TextEngine::open(m_devices.fonts);
          if (!opened) return std::unexpected(opened.error());
          m_receipt_text = std::move(*opened);
        }
        auto page = render_receipt(*m_receipt_text, document, printer->width_dots());
        if (!page) return std::unexpected(page.error());
        auto printed = printer->print(*page, job);
        if (!printed) return std::unexpected(printed.error().error);
        return PrintedDocument{job, printed->id};
      },
      [this, job, done = std::move(done)](Expected<PrintedDocument> printed) {
        if (printed) {
          healthy("printer");
          if (m_devices.audit) m_devices.audit->record(audit_kind::print, {{"job", job}});
        } else {
          audit_fault("printer", printed.error());
        }
        done(std::move(printed));
      });
}

void KioskServices::refund(const std::string& reference) {
  if (!m_devices.payments) return;
  PaymentDesk* desk = m_devices.payments;
  m_workers.submit([desk, reference, log = m_log] {
    if (auto refunded = desk->refund(reference); !refunded) {
      log.error("payment {} could not be reversed now ({}); the next start retries", reference,
                refunded.error().describe());
    }
  });
}

void KioskServices::abandon() {
  // Results of work already started are dropped by the session that asked for them; a card
  // read in progress ends by its own timeout and its buffers are wiped.
  m_waiting_scan = nullptr;
  if (m_scan_timer) m_loop.cancel_timer(m_scan_timer);
  m_scan_timer = 0;
}

void KioskServices::reconcile_payments() {
  if (!m_devices.payments) return;
  PaymentDesk* desk = m_devices.payments;
  m_workers.submit([desk, log = m_log] {
    auto report = desk->reconcile();
    if (report.reversed + report.closed + report.failed > 0) {
      log.info("payments reconciled: {} reversed, {} closed, {} left for later", report.reversed, report.closed,
               report.failed);
    }
  });
}

}  // namespace shubbak
