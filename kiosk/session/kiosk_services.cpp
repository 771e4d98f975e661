#include "kiosk/session/kiosk_services.hpp"

#include <chrono>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "drivers/card/card_profile.hpp"
#include "kiosk/core/card_mask.hpp"
#include "kiosk/core/short_reference.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "kiosk/session/answer_display.hpp"

namespace shubbak {

KioskServices::KioskServices(UiContext& ui, EventLoop& loop, DeviceLanes& lanes, Devices devices,
                             std::string kiosk_id, Log log)
    : m_ui(ui),
      m_loop(loop),
      m_lanes(lanes),
      m_devices(devices),
      m_kiosk_id(std::move(kiosk_id)),
      m_log(std::move(log)) {
  if (m_devices.store) m_journal = std::make_unique<ReceiptJournal>(*m_devices.store);
  if (m_journal && m_devices.printer) {
    m_receipts = std::make_unique<ReceiptDesk>(*m_journal, *m_devices.printer, m_devices.fonts,
                                               m_devices.printing, m_log);
  }
}

KioskServices::~KioskServices() = default;

template <class T>
void KioskServices::on_lane(Lane& lane, std::function<Expected<T>()> work, Done<T> done) {
  if (!run_on_lane(lane, m_loop, m_alive.token(), std::move(work), std::move(done))) {
    m_log.warn("a {} request was refused: the kiosk is stopping", lane.name());
  }
}

void KioskServices::read_identity(const std::string& profile_id, Done<CardIdentity> done) {
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
  m_devices.readers->card().read_identity(
      cached->second, [this, done, alive = m_alive.token()](Expected<IdentityRecord> card) {
        if (!card) {
          // A citizen who took too long or walked away is no fault of the reader.
          if (alive.lock() && card.error().code != Errc::timeout &&
              card.error().code != Errc::cancelled) {
            used(DeviceId::card_reader, &card.error());
          }
          return done(std::unexpected(card.error()));
        }
        if (alive.lock()) used(DeviceId::card_reader, nullptr);
        // Only what the profile read; the record itself wipes its buffers when it goes.
        done(CardIdentity{card->id_number, card->name_ar, card->name_en, card->birth_date,
                          card->expiry_date, card->nationality});
      });
}

namespace {
constexpr std::chrono::seconds k_scan_wait{60};
}

void KioskServices::scan_code(Done<std::string> done) {
  if (!m_devices.scanner) return done(fail(Errc::device, "no scanner is configured"));
  cancel_scan();  // one waiting scan at a time
  m_waiting_scan = std::move(done);
  m_scan_timer = m_loop.add_timer(k_scan_wait, [this] {
    m_scan_timer = 0;
    if (auto waiting = std::exchange(m_waiting_scan, nullptr))
      waiting(fail(Errc::timeout, "nothing was scanned"));
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

namespace {

// The "transaction" a technician's test page names: no record, so no short reference.
constexpr std::string_view k_test_page_id = "test-page";

// What the store keeps of the workflow's draft: the same at the pre-flight and at the commit.
TransactionDraft store_draft(const workflow::TransactionDraft& draft) {
  TransactionDraft stored;
  stored.service_id = draft.service_id;
  stored.service_version = draft.service_version;
  stored.fields = draft.fields;
  if (draft.payment) {
    stored.amount = draft.payment->amount;
    stored.payment_reference = draft.payment->reference;
    stored.fields.emplace_back("payment_method", draft.payment->method);
  }
  return stored;
}

}  // namespace

void KioskServices::pay(const PaymentRequest& request, const workflow::TransactionDraft& draft,
                        Done<PaymentResult> done) {
  if (!m_devices.payments) return done(fail(Errc::device, "no payment terminal is configured"));
  PaymentDesk* desk = m_devices.payments;
  // The transaction as it will be stored once this payment is approved: the pre-flight checks it.
  workflow::TransactionDraft paid = draft;
  paid.payment = workflow::Payment{request.amount, "terminal", request.reference, {}};
  on_lane<PaymentResult>(
      m_lanes.payment,
      [desk, request, stored = store_draft(paid)] { return desk->pay(request, stored); },
      [this, done = std::move(done)](Expected<PaymentResult> result) {
        used(DeviceId::payment_terminal, result ? nullptr : &result.error());
        done(std::move(result));
      });
}

std::string KioskServices::payment_reference() {
  return PaymentDesk::new_reference(m_kiosk_id);
}

void KioskServices::record(const workflow::TransactionDraft& draft, Done<std::string> done) {
  TransactionStore* store = m_devices.store;
  if (!store) return done(fail(Errc::io, "the transaction store is out of service"));
  // The commit settles the payment's intent in the same SQLite transaction.
  on_lane<std::string>(
      m_lanes.store,
      [store, stored = store_draft(draft), log = m_log]() -> Expected<std::string> {
        auto record = store->commit(stored);
        if (!record) return std::unexpected(record.error());
        log.info("transaction {} stored (sequence {})", record->id, record->sequence);
        return record->id;
      },
      std::move(done));
}

std::vector<std::pair<std::string, std::string>> KioskServices::details(
    const std::string& transaction_id) const {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &local);
  std::vector<std::pair<std::string, std::string>> rows;
  // The short reference first: it is what a counter or a help line asks for (the id stays the
  // record's id, and the seal's).
  if (transaction_id != k_test_page_id)
    rows.emplace_back(std::string(m_ui.message("receipt.short_reference")),
                      short_reference(transaction_id));
  rows.emplace_back(std::string(m_ui.message("receipt.transaction")), transaction_id);
  rows.emplace_back(std::string(m_ui.message("receipt.time")), when);
  rows.emplace_back(std::string(m_ui.message("receipt.kiosk")), m_kiosk_id);
  return rows;
}

void KioskServices::print_receipt(const workflow::WorkflowEngine& session,
                                  const std::string& transaction_id, Done<PrintedDocument> done) {
  const workflow::Bundle& bundle = session.bundle();
  if (!bundle.receipt) return done(fail(Errc::invalid_argument, "the service has no receipt"));
  Language language = m_ui.language();
  ReceiptDocument document;
  document.language = language;
  document.issuer = display_text(m_ui, session, bundle.title);
  document.title = display_text(m_ui, session, bundle.receipt->title);
  for (const auto& line : bundle.receipt->lines) {
    auto value = session.evaluate(line.value);
    std::string shown = value ? value->to_display_string() : "—";
    if (value) {
      // Money in the citizen's format; a choice by its label, as the screen showed it.
      const auto& references = line.value.references();
      const workflow::Field* field =
          references.size() == 1 ? bundle.field(references.front()) : nullptr;
      if (const auto* money = std::get_if<Money>(&value->data)) {
        shown = m_ui.format().money(*money).value_or(shown);
      } else if (field && !field->choices.empty()) {
        shown = display_answer(m_ui, session, *field, *value);
      }
    }
    document.lines.emplace_back(display_text(m_ui, session, line.label), shown);
  }
  if (session.payment()) {
    document.total_label = std::string(m_ui.message("receipt.total"));
    document.total = m_ui.format()
                         .money(session.payment()->amount)
                         .value_or(format_money(session.payment()->amount));
    if (session.payment()->method == "reference") {
      document.lines.emplace_back(std::string(m_ui.message("receipt.pay_with")),
                                  session.payment()->reference);
    } else {
      // Paid at the terminal: its reference and the card it took, masked (last four at most).
      if (!session.payment()->reference.empty())
        document.lines.emplace_back(std::string(m_ui.message("receipt.terminal_reference")),
                                    session.payment()->reference);
      if (auto card = masked_card_for_receipt(session.payment()->masked_card); !card.empty())
        document.lines.emplace_back(std::string(m_ui.message("receipt.card")), card);
    }
  }
  document.details = details(transaction_id);
  if (bundle.receipt->footer)
    document.footer = display_text(m_ui, session, *bundle.receipt->footer);
  document.qr_caption = std::string(m_ui.message("receipt.qr_caption"));
  document.logo = m_devices.receipt_logo.string();
  print(ReceiptKind::receipt, std::move(document), transaction_id, std::move(done));
}

void KioskServices::used(DeviceId device, const Error* failure) {
  if (failure && m_devices.audit) {
    m_devices.audit->record(audit_kind::device_fault,
                            {{"device", std::string(to_string(device))},
                             {"error", std::string(to_string(failure->code))}});
  }
  if (m_devices.hub)
    m_devices.hub->used(device, failure ? std::optional(failure->code) : std::nullopt);
}

void KioskServices::issue_ticket(const std::string& counter, const std::string& transaction_id,
                                 Done<PrintedDocument> done) {
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
  document.logo = m_devices.receipt_logo.string();
  // A ticket has no seal: its number is the kiosk's count since it started, not part of the
  // stored transaction, so a signature could not vouch for it; the receipt carries the seal.
  print(ReceiptKind::ticket, std::move(document), transaction_id,
        [done, ticket](Expected<PrintedDocument> printed) {
          if (printed) printed->ticket = ticket;
          done(std::move(printed));
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
  document.lines.emplace_back(
      std::string(m_ui.messages().get("technician.test_page", Language::en)), version);
  document.details = details(std::string(k_test_page_id));
  document.footer = std::string(m_ui.messages().get("technician.test_page_footer", Language::ar)) +
                    " — " +
                    std::string(m_ui.messages().get("technician.test_page_footer", Language::en));
  if (!m_receipts) return done(fail(Errc::device, "no printer is configured"));
  ReceiptDesk* desk = m_receipts.get();
  // Not journaled: it belongs to no transaction, and a technician stands at the printer.
  on_lane<PrintedDocument>(
      m_lanes.printer,
      [desk, document = std::move(document)]() -> Expected<PrintedDocument> {
        auto printed = desk->print_once(document, "test-page");
        if (!printed) return std::unexpected(printed.error().error);
        PrintedDocument result;
        result.path_or_job = printed->id;
        result.printed = true;
        return result;
      },
      [this, done = std::move(done)](Expected<PrintedDocument> printed) {
        if (printed) {
          if (m_devices.hub) m_devices.hub->set_status(DeviceId::printer, DeviceStatus::online);
          if (m_devices.audit) m_devices.audit->record(audit_kind::print, {{"job", "test-page"}});
        }
        done(std::move(printed));
      });
}

Expected<std::string> KioskServices::receipt_seal(const std::string& transaction_id) const {
  if (!m_devices.store || !m_devices.device_key)
    return fail(Errc::unsupported, "no store or device key to seal with");
  auto record = m_devices.store->find(transaction_id);
  if (!record) return std::unexpected(record.error());
  ReceiptFacts facts{record->id, record->service_id, record->amount, record->wall_ms,
                     record->kiosk_id};
  return seal_receipt(facts, *m_devices.device_key);
}

namespace {

PrintedDocument printed_document(const ReceiptOutcome& outcome) {
  PrintedDocument document;
  document.transaction_id = outcome.receipt.transaction_id;
  document.path_or_job = outcome.job;
  document.receipt_id = outcome.receipt.id;
  document.counter_reference = outcome.receipt.reference;
  document.printed = outcome.printed;
  if (outcome.printer_state)
    document.printer_state = std::string(printer_state_name(*outcome.printer_state));
  return document;
}

}  // namespace

void KioskServices::print(ReceiptKind kind, ReceiptDocument document, std::string transaction_id,
                          Done<PrintedDocument> done) {
  if (!m_devices.printer) return done(fail(Errc::device, "no printer is configured"));
  if (!m_receipts) return done(fail(Errc::device, "the receipt journal is out of service"));
  ReceiptDesk* desk = m_receipts.get();
  auto session = m_session;
  std::uint64_t ours = session->load();
  on_lane<ReceiptOutcome>(
      m_lanes.printer,
      [this, desk, kind, document = std::move(document), transaction_id, session, ours]() mutable {
        if (kind == ReceiptKind::receipt) {
          // Signed before it is journaled, so a reprint carries the same seal. A receipt without
          // its seal still proves more to the citizen than no receipt at all.
          if (auto seal = receipt_seal(transaction_id)) {
            document.qr_text = std::move(*seal);
          } else {
            m_log.error("receipt of {} printed without its seal: {}", transaction_id,
                        seal.error().describe());
            document.qr_caption.clear();
          }
        }
        return desk->issue(transaction_id, kind, document,
                           [session, ours] { return session->load() == ours; });
      },
      [this, done = std::move(done)](Expected<ReceiptOutcome> outcome) {
        if (!outcome) {
          m_log.error("receipt not journaled, so not printed: {}", outcome.error().describe());
          return done(std::unexpected(outcome.error()));
        }
        report(*outcome);
        done(printed_document(*outcome));
      });
}

void KioskServices::retry_print(const std::string& receipt_id, Done<PrintedDocument> done) {
  reprint(receipt_id, true, std::move(done));
}

void KioskServices::reprint_receipt(const std::string& receipt_id, Done<PrintedDocument> done) {
  reprint(receipt_id, false, std::move(done));
}

void KioskServices::reprint(const std::string& receipt_id, bool unless_printed,
                            Done<PrintedDocument> done) {
  if (!m_receipts) return done(fail(Errc::device, "no printer or no receipt journal"));
  ReceiptDesk* desk = m_receipts.get();
  on_lane<ReceiptOutcome>(
      m_lanes.printer,
      [desk, receipt_id, unless_printed] { return desk->reprint(receipt_id, unless_printed); },
      [this, unless_printed, done = std::move(done)](Expected<ReceiptOutcome> outcome) {
        if (!outcome) return done(std::unexpected(outcome.error()));
        if (!unless_printed && m_devices.audit) {
          m_devices.audit->record(
              audit_kind::reprint,
              {{"receipt", outcome->receipt.id}, {"printed", outcome->printed ? "yes" : "no"}});
        }
        report(*outcome);
        done(printed_document(*outcome));
      });
}

void KioskServices::report(const ReceiptOutcome& outcome) {
  const JournaledReceipt& receipt = outcome.receipt;
  if (outcome.printer_state && m_devices.hub) {
    m_devices.hub->set_status(DeviceId::printer, device_status(*outcome.printer_state));
  }
  if (outcome.printed) {
    if (!outcome.job.empty() && m_devices.audit) {
      m_devices.audit->record(audit_kind::print, {{"job", ReceiptDesk::job_name(receipt)}});
    }
    return;
  }
  std::string state =
      outcome.printer_state ? std::string(printer_state_name(*outcome.printer_state)) : "not-asked";
  m_log.warn("{} {} not printed (printer {}): {}; reference {} at the counter",
             receipt_kind_name(receipt.kind), receipt.id, state, outcome.error, receipt.reference);
  if (!m_devices.audit) return;
  if (outcome.printer_state) {
    m_devices.audit->record(audit_kind::device_fault, {{"device", "printer"}, {"state", state}});
  }
  if (receipt.state == ReceiptState::collect_at_counter) {
    m_devices.audit->record(audit_kind::print_collect,
                            {{"receipt", receipt.id}, {"reference", receipt.reference}});
  }
}

void KioskServices::recover_receipts() {
  if (!m_journal) return;
  ReceiptJournal* journal = m_journal.get();
  m_lanes.store.submit([journal, log = m_log] {
    auto recovered = journal->recover_interrupted();
    if (!recovered)
      return log.error("receipts left by a crash not checked: {}", recovered.error().describe());
    if (*recovered > 0)
      log.warn("{} receipt(s) left unprinted by a crash; listed for the technician", *recovered);
  });
}

void KioskServices::unprinted_receipts(std::size_t limit,
                                       Done<std::vector<JournaledReceipt>> done) {
  if (!m_journal) return done(fail(Errc::device, "the receipt journal is out of service"));
  ReceiptJournal* journal = m_journal.get();
  on_lane<std::vector<JournaledReceipt>>(
      m_lanes.store, [journal, limit] { return journal->unprinted(limit); }, std::move(done));
}

void KioskServices::recent_receipts(std::size_t limit, Done<std::vector<JournaledReceipt>> done) {
  if (!m_journal) return done(fail(Errc::device, "the receipt journal is out of service"));
  ReceiptJournal* journal = m_journal.get();
  on_lane<std::vector<JournaledReceipt>>(
      m_lanes.store, [journal, limit] { return journal->recent(limit); }, std::move(done));
}

void KioskServices::refund(const std::string& reference) {
  if (!m_devices.payments) return;
  PaymentDesk* desk = m_devices.payments;
  m_lanes.payment.submit([desk, reference, log = m_log] {
    if (auto refunded = desk->refund(reference); !refunded) {
      log.error("payment {} could not be reversed now ({}); the next start retries", reference,
                refunded.error().describe());
    }
  });
}

void KioskServices::abandon() {
  // Results of work already started are dropped by the session that asked for them; a card
  // read in progress ends by its own timeout and its buffers are wiped. Prints queued for this
  // session and not started see the new session number and stay journaled for the counter.
  m_session->fetch_add(1);
  cancel_scan();
}

void KioskServices::cancel_scan() {
  m_waiting_scan = nullptr;
  if (m_scan_timer) m_loop.cancel_timer(m_scan_timer);
  m_scan_timer = 0;
}

void KioskServices::reconcile_payments() {
  if (!m_devices.payments) return;
  PaymentDesk* desk = m_devices.payments;
  m_lanes.payment.submit([desk, log = m_log] {
    auto report = desk->reconcile();
    if (report.settled + report.reversed + report.closed + report.failed > 0) {
      log.info(
          "payments reconciled: {} settled, {} reversed, {} closed, {} left for later ({} damaged)",
          report.settled, report.reversed, report.closed, report.failed, report.damaged);
    }
  });
}

}  // namespace shubbak
