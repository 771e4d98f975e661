// One connection to an IPP service (a printer, or a cupsd queue) and the four requests the
// receipt printers need. libcups does the protocol; this header keeps its types out of the
// rest of the kiosk. Blocking: call from a worker. One session per thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

// Where requests go and whom they name.
struct IppEndpoint {
  std::string host;  // a host name, an address, or the absolute path of a local socket
  int port = 631;
  bool tls = false;
  std::string resource;     // the HTTP path requests are POSTed to, e.g. "/ipp/print"
  std::string printer_uri;  // the printer-uri attribute of every request
};

// ipp://HOST[:PORT]/PATH (port 631 by default) or ipps://.
Expected<IppEndpoint> ipp_endpoint_from_uri(const std::string& uri);
// A queue of the cupsd listening on `socket`.
IppEndpoint cups_queue_endpoint(const std::string& queue, const std::string& socket);

enum class IppJobState { pending, held, processing, stopped, canceled, aborted, completed };

struct IppJobStatus {
  IppJobState state = IppJobState::pending;
  std::vector<std::string> reasons;  // job-state-reasons
  std::string message;               // job-state-message, when the printer gives one
  std::string name;                  // job-name as the printer holds it
};

struct IppPrinterStatus {
  bool stopped = false;
  bool accepting_jobs = true;
  std::vector<std::string> reasons;  // printer-state-reasons
  std::string message;
};

struct SubmittedJob {
  int id = 0;
  std::string uri;  // job-uri
};

// Failures: Errc::device when the service cannot be reached or stops answering (the printer is
// offline), Errc::timeout when it does not answer in time, Errc::unsupported when it answers
// but refuses the request (the IPP status is in the message), Errc::not_found for a job it does
// not (or no longer) know.
class IppSession {
 public:
  static Expected<std::unique_ptr<IppSession>> open(const IppEndpoint& endpoint,
                                                    std::chrono::milliseconds timeout);
  ~IppSession();
  IppSession(const IppSession&) = delete;
  IppSession& operator=(const IppSession&) = delete;

  // Print-Job with the whole document; requesting-user-name is always "shubbak".
  Expected<SubmittedJob> print_job(std::span<const std::uint8_t> document,
                                   const std::string& format, const std::string& job_name);
  // Whether the last print_job() was refused only because the printer is busy with another job
  // (server-error-busy): worth sending again shortly.
  bool printer_was_busy() const { return m_printer_was_busy; }
  Expected<IppJobStatus> job_status(int job_id);
  Expected<IppPrinterStatus> printer_status();
  Expected<void> cancel_job(int job_id);

  const IppEndpoint& endpoint() const { return m_endpoint; }

 private:
  struct Connection;
  IppSession(IppEndpoint endpoint, std::unique_ptr<Connection> connection);
  IppEndpoint m_endpoint;
  std::unique_ptr<Connection> m_connection;
  bool m_printer_was_busy = false;
};

}  // namespace shubbak
