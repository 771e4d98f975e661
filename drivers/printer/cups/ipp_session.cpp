// The libcups backend of IppSession; with pwg_raster.cpp the only files that include a CUPS
// header. IPP status codes and transport errors are mapped to Errc here, once.
#include "drivers/printer/cups/ipp_session.hpp"

#include <cups/cups.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace shubbak {

namespace {

constexpr const char* k_requesting_user = "shubbak";

struct IppDeleter {
  void operator()(ipp_t* ipp) const { ippDelete(ipp); }
};
using IppMessage = std::unique_ptr<ipp_t, IppDeleter>;

// A request that is not answered in time is given up, not retried forever.
int give_up_on_timeout(http_t*, void*) {
  return 0;
}

std::vector<std::string> strings_of(ipp_t* response, const char* name) {
  std::vector<std::string> out;
  ipp_attribute_t* attribute = ippFindAttribute(response, name, IPP_TAG_ZERO);
  for (int i = 0; attribute != nullptr && i < ippGetCount(attribute); ++i) {
    if (const char* text = ippGetString(attribute, i, nullptr)) out.emplace_back(text);
  }
  return out;
}

std::string string_of(ipp_t* response, const char* name) {
  auto all = strings_of(response, name);
  return all.empty() ? std::string() : all.front();
}

IppJobState job_state_of(int value) {
  switch (value) {
    case IPP_JSTATE_PENDING:
      return IppJobState::pending;
    case IPP_JSTATE_HELD:
      return IppJobState::held;
    case IPP_JSTATE_PROCESSING:
      return IppJobState::processing;
    case IPP_JSTATE_STOPPED:
      return IppJobState::stopped;
    case IPP_JSTATE_CANCELED:
      return IppJobState::canceled;
    case IPP_JSTATE_ABORTED:
      return IppJobState::aborted;
    case IPP_JSTATE_COMPLETED:
      return IppJobState::completed;
    default:
      return IppJobState::processing;
  }
}

}  // namespace

struct IppSession::Connection {
  http_t* http = nullptr;
  ~Connection() {
    if (http != nullptr) httpClose(http);
  }

  // What went wrong with the last request, as one of the three failures IppSession promises.
  Error failure(const IppEndpoint& endpoint, std::string_view what, ipp_t* response) const {
    if (response != nullptr && ippGetStatusCode(response) == IPP_STATUS_ERROR_NOT_FOUND) {
      return Error{Errc::not_found, fmt::format("{} does not know {}", endpoint.printer_uri, what)};
    }
    if (response != nullptr && ippGetStatusCode(response) > IPP_STATUS_OK_CONFLICTING) {
      return Error{Errc::unsupported,
                   fmt::format("{} refused {}: {} ({})", endpoint.printer_uri, what,
                               ippErrorString(ippGetStatusCode(response)), cupsLastErrorString())};
    }
    int error = httpError(http);
    if (error == ETIMEDOUT) {
      return Error{Errc::timeout,
                   fmt::format("{} did not answer {} in time", endpoint.printer_uri, what)};
    }
    return Error{Errc::device,
                 fmt::format("{} does not answer {}: {}", endpoint.printer_uri, what,
                             error != 0 ? std::strerror(error) : cupsLastErrorString())};
  }
};

Expected<IppEndpoint> ipp_endpoint_from_uri(const std::string& uri) {
  char scheme[32], user[256], host[256], resource[1024];
  int port = 0;
  http_uri_status_t parsed =
      httpSeparateURI(HTTP_URI_CODING_ALL, uri.c_str(), scheme, sizeof scheme, user, sizeof user,
                      host, sizeof host, &port, resource, sizeof resource);
  std::string_view kind = scheme;
  if (parsed < HTTP_URI_STATUS_OK || (kind != "ipp" && kind != "ipps") || host[0] == '\0') {
    return fail(Errc::config, fmt::format("\"{}\" is not an ipp:// or ipps:// printer URI", uri));
  }
  return IppEndpoint{host, port, kind == "ipps", resource, uri};
}

IppEndpoint cups_queue_endpoint(const std::string& queue, const std::string& socket) {
  return IppEndpoint{socket, 0, false, "/printers/" + queue, "ipp://localhost/printers/" + queue};
}

IppSession::IppSession(IppEndpoint endpoint, std::unique_ptr<Connection> connection)
    : m_endpoint(std::move(endpoint)), m_connection(std::move(connection)) {}

IppSession::~IppSession() = default;

Expected<std::unique_ptr<IppSession>> IppSession::open(const IppEndpoint& endpoint,
                                                       std::chrono::milliseconds timeout) {
  auto connection = std::make_unique<Connection>();
  int msec =
      static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 1, 600'000));
  connection->http =
      httpConnect2(endpoint.host.c_str(), endpoint.port, nullptr, AF_UNSPEC,
                   endpoint.tls ? HTTP_ENCRYPTION_ALWAYS : HTTP_ENCRYPTION_IF_REQUESTED,
                   /*blocking=*/1, msec, nullptr);
  if (connection->http == nullptr) {
    int error = errno;
    return fail(Errc::device,
                fmt::format("cannot reach {}: {}", endpoint.printer_uri,
                            error != 0 ? std::strerror(error) : cupsLastErrorString()));
  }
  httpSetTimeout(connection->http, static_cast<double>(msec) / 1000.0, give_up_on_timeout, nullptr);
  return std::unique_ptr<IppSession>(new IppSession(endpoint, std::move(connection)));
}

Expected<SubmittedJob> IppSession::print_job(std::span<const std::uint8_t> document,
                                             const std::string& format,
                                             const std::string& job_name) {
  IppMessage request(ippNewRequest(IPP_OP_PRINT_JOB));
  ipp_t* r = request.get();
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               m_endpoint.printer_uri.c_str());
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
               k_requesting_user);
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr, job_name.c_str());
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", nullptr, format.c_str());

  http_t* http = m_connection->http;
  // The HTTP body is the IPP request followed by the document: its length counts both.
  http_status_t status =
      cupsSendRequest(http, r, m_endpoint.resource.c_str(), ippLength(r) + document.size());
  std::size_t sent = 0;
  constexpr std::size_t k_chunk = 64 * 1024;
  while (status == HTTP_STATUS_CONTINUE && sent < document.size()) {
    std::size_t length = std::min(k_chunk, document.size() - sent);
    status =
        cupsWriteRequestData(http, reinterpret_cast<const char*>(document.data() + sent), length);
    sent += length;
  }
  if (status != HTTP_STATUS_CONTINUE)
    return std::unexpected(m_connection->failure(m_endpoint, "the print job", nullptr));
  IppMessage response(cupsGetResponse(http, m_endpoint.resource.c_str()));
  m_printer_was_busy = response && ippGetStatusCode(response.get()) == IPP_STATUS_ERROR_BUSY;
  if (!response || ippGetStatusCode(response.get()) > IPP_STATUS_OK_CONFLICTING) {
    return std::unexpected(m_connection->failure(m_endpoint, "the print job", response.get()));
  }
  ipp_attribute_t* id = ippFindAttribute(response.get(), "job-id", IPP_TAG_INTEGER);
  if (id == nullptr)
    return fail(Errc::device,
                fmt::format("{} accepted a job but gave no job-id", m_endpoint.printer_uri));
  SubmittedJob job{ippGetInteger(id, 0), string_of(response.get(), "job-uri")};
  if (job.uri.empty()) job.uri = fmt::format("{}/{}", m_endpoint.printer_uri, job.id);
  return job;
}

Expected<IppJobStatus> IppSession::job_status(int job_id) {
  static const char* const k_wanted[] = {"job-state", "job-state-reasons", "job-state-message",
                                         "job-name"};
  IppMessage request(ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES));
  ipp_t* r = request.get();
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               m_endpoint.printer_uri.c_str());
  ippAddInteger(r, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
               k_requesting_user);
  ippAddStrings(r, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 4, nullptr,
                k_wanted);
  IppMessage response(
      cupsDoRequest(m_connection->http, request.release(), m_endpoint.resource.c_str()));
  if (!response || ippGetStatusCode(response.get()) > IPP_STATUS_OK_CONFLICTING) {
    return std::unexpected(
        m_connection->failure(m_endpoint, fmt::format("job {}", job_id), response.get()));
  }
  ipp_attribute_t* state = ippFindAttribute(response.get(), "job-state", IPP_TAG_ENUM);
  if (state == nullptr)
    return fail(Errc::device,
                fmt::format("{} gave no state for job {}", m_endpoint.printer_uri, job_id));
  return IppJobStatus{
      job_state_of(ippGetInteger(state, 0)), strings_of(response.get(), "job-state-reasons"),
      string_of(response.get(), "job-state-message"), string_of(response.get(), "job-name")};
}

Expected<IppPrinterStatus> IppSession::printer_status() {
  static const char* const k_wanted[] = {"printer-state", "printer-state-reasons",
                                         "printer-state-message", "printer-is-accepting-jobs"};
  IppMessage request(ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES));
  ipp_t* r = request.get();
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               m_endpoint.printer_uri.c_str());
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
               k_requesting_user);
  ippAddStrings(r, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 4, nullptr,
                k_wanted);
  IppMessage response(
      cupsDoRequest(m_connection->http, request.release(), m_endpoint.resource.c_str()));
  if (!response || ippGetStatusCode(response.get()) > IPP_STATUS_OK_CONFLICTING) {
    return std::unexpected(m_connection->failure(m_endpoint, "a status request", response.get()));
  }
  ipp_attribute_t* state = ippFindAttribute(response.get(), "printer-state", IPP_TAG_ENUM);
  ipp_attribute_t* accepting =
      ippFindAttribute(response.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
  IppPrinterStatus status;
  status.stopped = state == nullptr || ippGetInteger(state, 0) == IPP_PSTATE_STOPPED;
  status.accepting_jobs = accepting == nullptr || ippGetBoolean(accepting, 0) != 0;
  status.reasons = strings_of(response.get(), "printer-state-reasons");
  status.message = string_of(response.get(), "printer-state-message");
  return status;
}

Expected<void> IppSession::cancel_job(int job_id) {
  IppMessage request(ippNewRequest(IPP_OP_CANCEL_JOB));
  ipp_t* r = request.get();
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               m_endpoint.printer_uri.c_str());
  ippAddInteger(r, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippAddString(r, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
               k_requesting_user);
  IppMessage response(
      cupsDoRequest(m_connection->http, request.release(), m_endpoint.resource.c_str()));
  if (!response || ippGetStatusCode(response.get()) > IPP_STATUS_OK_CONFLICTING) {
    return std::unexpected(m_connection->failure(
        m_endpoint, fmt::format("cancelling job {}", job_id), response.get()));
  }
  return {};
}

}  // namespace shubbak
