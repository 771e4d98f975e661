// Printing one document over IPP and following it to its end: the part both IPP backends (the
// printer straight, a cupsd queue) share. Blocking: call from a worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "drivers/printer/cups/ipp_session.hpp"
#include "drivers/printer/receipt_printer.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

struct IppJobLimits {
  std::chrono::milliseconds job_timeout{30'000};     // from sending to the job's end
  std::chrono::milliseconds request_timeout{5'000};  // one request; also the connect timeout
  // A cupsd with PreserveJobHistory No forgets a job as soon as it ends: there a job that
  // vanished has ended. A printer that forgets a job before saying how it ended has failed it.
  bool forgotten_job_is_done = false;
};

// Job names reach the printer, its logs and cupsd: a transaction id, never citizen data.
// 1..127 characters of A-Z, a-z, 0-9, '-', '_' and '.'.
bool is_plain_job_name(const std::string& name);

// Asks the printer's state first and sends nothing to a printer that cannot print. Sends the
// document (again while the printer says busy), then asks Get-Job-Attributes until the job is
// completed, aborted or canceled, or the deadline passes (then the job is cancelled so a late
// printer does not print a receipt nobody waits for); a printer that reports a fault while the job
// waits gets it cancelled too. A job that fails reports the printer's fault (from the job's
// reasons, else the printer's) as the PrintFailure's state; an unreachable printer is offline.
PrintResult print_and_follow(const IppEndpoint& endpoint, std::span<const std::uint8_t> document,
                             const std::string& format, const std::string& job_name,
                             const IppJobLimits& limits, const Log& log);

// The printer's state from Get-Printer-Attributes; offline when it does not answer in `timeout`.
PrinterState ask_printer_state(const IppEndpoint& endpoint, std::chrono::milliseconds timeout,
                               const Log& log);

}  // namespace shubbak
