#include "drivers/printer/cups/ipp_job.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "drivers/printer/cups/printer_state_reasons.hpp"

namespace shubbak {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

PrintResult failed(PrinterState state, Errc code, std::string message) {
  return std::unexpected(PrintFailure{state, Error{code, std::move(message)}});
}

std::string joined(const std::vector<std::string>& words) {
  return words.empty() ? std::string("none") : fmt::format("{}", fmt::join(words, ","));
}

// Why a job ended badly: the job's own reasons first (they are about this job), then the
// printer's (ippeveprinter and many printers only say "aborted-by-system" on the job).
PrintResult job_failed(IppSession& session, int job_id, const IppJobStatus& job) {
  auto state = state_from_reasons(job.reasons);
  std::string printer_reasons = "unknown";
  if (auto printer = session.printer_status()) {
    printer_reasons = joined(printer->reasons);
    if (!state) state = state_from_reasons(printer->reasons);
  }
  std::string_view ended = job.state == IppJobState::canceled ? "canceled" : "aborted";
  PrinterState fault = state.value_or(PrinterState::offline);
  return failed(
      fault, Errc::device,
      fmt::format("job {} at {} was {} ({}): job-state-reasons {}, printer-state-reasons {}",
                  job_id, session.endpoint().printer_uri, ended, printer_state_name(fault),
                  joined(job.reasons), printer_reasons));
}

}  // namespace

bool is_plain_job_name(const std::string& name) {
  if (name.empty() || name.size() > 127) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.';
  });
}

PrintResult print_and_follow(const IppEndpoint& endpoint, std::span<const std::uint8_t> document,
                             const std::string& format, const std::string& job_name,
                             const IppJobLimits& limits, const Log& log) {
  if (!is_plain_job_name(job_name)) {
    return failed(PrinterState::ok, Errc::invalid_argument,
                  "print job name must be 1 to 127 characters of A-Z, a-z, 0-9, '-', '_' or '.'");
  }
  auto deadline = Clock::now() + limits.job_timeout;
  auto session = IppSession::open(endpoint, std::min(limits.request_timeout, limits.job_timeout));
  if (!session) return failed(PrinterState::offline, session.error().code, session.error().message);

  // A printer out of paper or jammed would hold the job and print it once fixed, long after the
  // citizen left: nothing is sent to a printer that says it cannot print.
  if (auto printer = (*session)->printer_status(); !printer) {
    return failed(PrinterState::offline, printer.error().code, printer.error().message);
  } else if (PrinterState now = printer_state_from(printer->stopped, printer->reasons);
             !printer_can_print(now)) {
    return failed(now, Errc::device,
                  fmt::format("{} is {}: printer-state-reasons {}", endpoint.printer_uri,
                              printer_state_name(now), joined(printer->reasons)));
  }

  auto job = (*session)->print_job(document, format, job_name);
  // A printer still finishing the previous job says "busy": send again until the deadline.
  for (milliseconds pause{20};
       !job && (*session)->printer_was_busy() && Clock::now() + pause < deadline;
       pause = std::min(pause * 2, milliseconds{500})) {
    std::this_thread::sleep_for(pause);
    job = (*session)->print_job(document, format, job_name);
  }
  if (!job) {
    if (job.error().code != Errc::unsupported)
      return failed(PrinterState::offline, job.error().code, job.error().message);
    // The printer answered but refused: its state says whether a fault is why.
    auto printer = (*session)->printer_status();
    PrinterState state =
        printer ? printer_state_from(printer->stopped, printer->reasons) : PrinterState::offline;
    return failed(state == PrinterState::ok ? PrinterState::offline : state, Errc::device,
                  job.error().message);
  }

  // Jobs on a receipt printer end in tens of milliseconds: poll fast first, then back off.
  milliseconds pause{10};
  while (Clock::now() < deadline) {
    auto status = (*session)->job_status(job->id);
    if (!status && status.error().code == Errc::not_found) {
      if (limits.forgotten_job_is_done) return PrintJob{job->uri};
      return failed(PrinterState::offline, Errc::device,
                    fmt::format("{} forgot job {} before saying how it ended", endpoint.printer_uri,
                                job->id));
    }
    if (!status) {
      return failed(PrinterState::offline, Errc::device,
                    fmt::format("lost the printer while job {} was printing: {}", job->id,
                                status.error().message));
    }
    switch (status->state) {
      case IppJobState::completed:
        return PrintJob{job->uri};
      case IppJobState::aborted:
      case IppJobState::canceled:
        return job_failed(**session, job->id, *status);
      case IppJobState::pending:
      case IppJobState::processing:
      case IppJobState::held:
      case IppJobState::stopped:
        break;
    }
    // A printer that runs out of paper (or jams, or opens) mid-job holds it until fixed: the
    // citizen is told now, and the job is cancelled so it is not printed later for nobody.
    if (auto printer = (*session)->printer_status()) {
      PrinterState now = printer_state_from(printer->stopped, printer->reasons);
      if (!printer_can_print(now)) {
        if (auto cancelled = (*session)->cancel_job(job->id); !cancelled)
          log.warn("{}", cancelled.error().message);
        return failed(
            now, Errc::device,
            fmt::format("job {} at {} stopped, printer {}: printer-state-reasons {}", job->id,
                        endpoint.printer_uri, printer_state_name(now), joined(printer->reasons)));
      }
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    std::this_thread::sleep_for(
        std::clamp(pause, milliseconds{0}, std::max(left, milliseconds{0})));
    pause = std::min(pause * 2, milliseconds{200});
  }

  if (auto cancelled = (*session)->cancel_job(job->id); !cancelled)
    log.warn("{}", cancelled.error().message);
  auto printer = (*session)->printer_status();
  PrinterState state =
      printer ? printer_state_from(printer->stopped, printer->reasons) : PrinterState::offline;
  if (printer_can_print(state))
    state = PrinterState::offline;  // it took the job and never finished it
  return failed(state, Errc::timeout,
                fmt::format("job {} at {} was not done after {} ms; cancelled", job->id,
                            endpoint.printer_uri, limits.job_timeout.count()));
}

PrinterState ask_printer_state(const IppEndpoint& endpoint, std::chrono::milliseconds timeout,
                               const Log& log) {
  auto session = IppSession::open(endpoint, timeout);
  if (!session) {
    log.debug("{}", session.error().message);
    return PrinterState::offline;
  }
  auto status = (*session)->printer_status();
  if (!status) {
    log.debug("{}", status.error().message);
    return PrinterState::offline;
  }
  return printer_state_from(status->stopped, status->reasons);
}

}  // namespace shubbak
