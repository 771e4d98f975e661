// Issues receipts and queue tickets the durable way: journal first (kiosk/store/
// receipt_journal.hpp), then render and print, then mark. A failed print is retried while the
// printer says it can print (a small number of times, with a short backoff); a printer that is
// out (paper, jam, cover, offline) or keeps failing sends the citizen to the counter with the
// receipt's reference. Also the technician's way to list and reprint receipts.
//
// Threading: every method blocks (SQLite fsync, rendering, the printer, the backoff): call them
// from the printer's lane. Rendering and printing are serialised inside as well.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/store/receipt_journal.hpp"
#include "screens/receipt/receipt_document.hpp"
#include "screens/receipt/receipt_logos.hpp"
#include "screens/text/text_engine.hpp"

namespace shubbak {

struct PrintPolicy {
  int attempts = 3;  // printer.attempts: tries while the printer can print
  std::chrono::milliseconds backoff{
      500};  // printer.retry_backoff_ms: before the 2nd try, doubled after
};

// What came of one document.
struct ReceiptOutcome {
  JournaledReceipt receipt;  // its journal row as it now stands (id, reference, state, attempts)
  bool printed = false;
  std::optional<PrinterState>
      printer_state;  // the printer's word at the last attempt; none when no attempt
  std::string job;    // the backend's job id, when printed
  std::string error;  // why not, for the log and the technician; never for citizens
};

class ReceiptDesk {
 public:
  // `journal` and `printer` must outlive the desk.
  ReceiptDesk(ReceiptJournal& journal, ReceiptPrinter& printer, Config::Text fonts,
              PrintPolicy policy, Log log);
  ~ReceiptDesk();

  // Journals `document` for the committed transaction, then prints it. `still_wanted` is asked
  // before every attempt: once it says false (the citizen walked away), the printer is not
  // touched again and the receipt waits at the counter. An error only when it could not be
  // journaled (the store failed, or the document was refused): then nothing was printed.
  Expected<ReceiptOutcome> issue(const std::string& transaction_id, ReceiptKind kind,
                                 const ReceiptDocument& document,
                                 const std::function<bool()>& still_wanted);
  // Prints a journaled receipt again, once, exactly as first journaled. With `unless_printed`
  // (the citizen's "try again") a receipt printed meanwhile is not printed twice.
  Expected<ReceiptOutcome> reprint(const std::string& receipt_id, bool unless_printed);

  // Renders and prints a page that belongs to no transaction (the technician's test page), once,
  // under job name `job`; nothing is journaled.
  PrintResult print_once(const ReceiptDocument& document, const std::string& job);

  Expected<std::vector<JournaledReceipt>> unprinted(std::size_t limit) {
    return m_journal.unprinted(limit);
  }
  Expected<std::vector<JournaledReceipt>> recent(std::size_t limit) {
    return m_journal.recent(limit);
  }
  Expected<std::int64_t> recover_interrupted() { return m_journal.recover_interrupted(); }

  // The job name a receipt prints under: no citizen data, the same on a reprint.
  static std::string job_name(const JournaledReceipt& receipt);

 private:
  ReceiptOutcome settle(JournaledReceipt receipt, const PrintResult& result,
                        bool collect_at_counter);

  ReceiptJournal& m_journal;
  ReceiptPrinter& m_printer;
  Config::Text m_fonts;
  PrintPolicy m_policy;
  Log m_log;
  std::mutex m_print_mutex;  // one document rendered and printed at a time; guards m_text
  std::unique_ptr<TextEngine>
      m_text;            // the receipt's own engine: the screen's belongs to the UI thread
  ReceiptLogos m_logos;  // guarded by m_print_mutex too
};

}  // namespace shubbak
