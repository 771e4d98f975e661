#include "kiosk/session/receipt_desk.hpp"

#include <thread>

#include <fmt/format.h>

#include "screens/receipt/receipt_document_json.hpp"
#include "screens/receipt/receipt_renderer.hpp"

namespace shubbak {

ReceiptDesk::ReceiptDesk(ReceiptJournal& journal, ReceiptPrinter& printer, Config::Text fonts,
                         PrintPolicy policy, Log log)
    : m_journal(journal),
      m_printer(printer),
      m_fonts(std::move(fonts)),
      m_policy(policy),
      m_log(std::move(log)) {
  if (m_policy.attempts < 1) m_policy.attempts = 1;
}

ReceiptDesk::~ReceiptDesk() = default;

std::string ReceiptDesk::job_name(const JournaledReceipt& receipt) {
  return fmt::format("{}-{}-{}", receipt_kind_name(receipt.kind), receipt.transaction_id,
                     receipt.reference);
}

PrintResult ReceiptDesk::print_once(const ReceiptDocument& document, const std::string& job) {
  std::lock_guard lock(m_print_mutex);
  if (!m_text) {
    auto opened = TextEngine::open(m_fonts);
    if (!opened) return std::unexpected(PrintFailure{PrinterState::ok, opened.error()});
    m_text = std::move(*opened);
  }
  // A logo that cannot be read is left out: the receipt matters more than its logo, and the
  // kiosk checked the file when it started.
  auto page = render_receipt(*m_text, document, m_printer.width_dots(),
                             m_logos.dots(document.logo, m_printer.width_dots()));
  // A rendering fault is ours, not the printer's: it says "ok" and the error says what broke.
  if (!page) return std::unexpected(PrintFailure{PrinterState::ok, page.error()});
  return m_printer.print(*page, job);
}

ReceiptOutcome ReceiptDesk::settle(JournaledReceipt receipt, const PrintResult& result,
                                   bool collect_at_counter) {
  ReceiptOutcome outcome;
  outcome.printed = result.has_value();
  outcome.printer_state = result ? PrinterState::ok : result.error().state;
  if (result) {
    outcome.job = result->id;
    // The paper is out: a journal that cannot say so only risks a second print by a technician.
    if (auto marked = m_journal.mark_printed(receipt.id, printer_state_name(PrinterState::ok));
        !marked) {
      m_log.error("receipt {} printed but not marked: {}", receipt.id, marked.error().describe());
    }
  } else {
    outcome.error = result.error().error.describe();
    auto marked = m_journal.mark_failed(receipt.id, printer_state_name(result.error().state),
                                        outcome.error, collect_at_counter);
    if (!marked)
      m_log.error("receipt {} failed and not marked: {}", receipt.id, marked.error().describe());
  }
  if (auto now = m_journal.find(receipt.id)) receipt = std::move(*now);
  outcome.receipt = std::move(receipt);
  return outcome;
}

Expected<ReceiptOutcome> ReceiptDesk::issue(const std::string& transaction_id, ReceiptKind kind,
                                            const ReceiptDocument& document,
                                            const std::function<bool()>& still_wanted) {
  // Durable before the printer is touched: whatever happens next, the receipt is not lost.
  auto journaled = m_journal.journal(transaction_id, kind, to_json(document));
  if (!journaled) return std::unexpected(journaled.error());
  JournaledReceipt receipt = std::move(*journaled);

  std::chrono::milliseconds backoff = m_policy.backoff;
  for (int n = 1;; ++n) {
    if (still_wanted && !still_wanted()) {
      m_log.info("receipt {} not printed: the session ended first; it waits at the counter ({})",
                 receipt.id, receipt.reference);
      ReceiptOutcome outcome;
      outcome.error = "the session ended before it was printed";
      if (auto kept = m_journal.keep_for_counter(receipt.id, outcome.error); !kept) {
        m_log.error("receipt {} not marked for the counter: {}", receipt.id,
                    kept.error().describe());
      }
      if (auto now = m_journal.find(receipt.id)) receipt = std::move(*now);
      outcome.receipt = std::move(receipt);
      return outcome;
    }
    PrintResult result = print_once(document, job_name(receipt));
    if (result) return settle(std::move(receipt), result, false);
    bool out = !printer_can_print(result.error().state);
    bool last = n >= m_policy.attempts;
    m_log.warn("receipt {} attempt {} failed (printer {}): {}", receipt.id, n,
               printer_state_name(result.error().state), result.error().error.describe());
    if (out || last) return settle(std::move(receipt), result, true);
    settle(receipt, result, false);
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

Expected<ReceiptOutcome> ReceiptDesk::reprint(const std::string& receipt_id, bool unless_printed) {
  auto receipt = m_journal.find(receipt_id);
  if (!receipt) return std::unexpected(receipt.error());
  if (unless_printed && receipt->state == ReceiptState::printed) {
    ReceiptOutcome outcome;
    outcome.receipt = std::move(*receipt);
    outcome.printed = true;
    return outcome;
  }
  auto document = receipt_document_from_json(receipt->document);
  if (!document) return std::unexpected(document.error());
  PrintResult result = print_once(*document, job_name(*receipt));
  // A failed reprint leaves the receipt where it was (the journal keeps collect_at_counter).
  return settle(std::move(*receipt), result, false);
}

}  // namespace shubbak
