#include "provisioning/portal/portal_server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "provisioning/portal/connection_http.hpp"
#include "provisioning/portal/gateway_identity.hpp"
#include "provisioning/portal/kiosk_ca.hpp"
#include "provisioning/portal/published_tree.hpp"

namespace shubbak::portal {

namespace {

// The request line and headers of one request (kiosks send a few hundred bytes).
constexpr std::size_t k_max_header_bytes = 32 * 1024;
// Chunk framing on top of the largest body: the handlers bound the body itself exactly.
constexpr std::size_t k_framing_allowance = 256 * 1024;
constexpr int k_max_requests_per_connection = 10'000;

// What one request's handlers tell the stream and the connection loop. The handlers run on the
// thread that serves the connection, inside HttpRouter::serve(), so it is reached through a
// thread_local pointer that the loop sets for exactly that span.
struct RequestState {
  PeerIdentity peer;  // for the whole connection, or per request behind the gateway
  const GatewayIdentity* gateway = nullptr;  // set on the gateway's connections
  bool headers_done = false;                 // the stream is now reading the body
  bool close_after = false;  // the reply refuses the request: close the connection after it
  bool unread_body = false;  // the peer may still be sending a body nobody read
};

thread_local RequestState* t_request = nullptr;

// One connection of the kiosks' API: every read of a request is bounded in time (the headers
// from their first byte, then the body) and in bytes, whatever the transfer encoding.
class HttpStream final : public ConnectionStream {
 public:
  HttpStream(TlsConnection& connection, const ConnectionLimits& limits, RequestState& request)
      : ConnectionStream(connection, limits.write_timeout), m_limits(limits), m_request(request) {}

  void begin_request() {
    m_header_deadline = Clock::now() + m_limits.header_timeout;
    m_body_started = false;
    m_consumed = 0;
  }

  ssize_t read(char* data, std::size_t size) override {
    if (m_request.headers_done && !m_body_started) {
      m_body_started = true;
      m_body_deadline = Clock::now() + m_limits.body_timeout;
      m_consumed = 0;
    }
    std::size_t budget = m_body_started ? portal_protocol::k_max_request_bytes + k_framing_allowance
                                        : k_max_header_bytes;
    if (m_consumed >= budget) {
      m_request.close_after = true;
      return -1;
    }
    ssize_t got = read_buffered(data, std::min(size, budget - m_consumed),
                                m_body_started ? m_body_deadline : m_header_deadline);
    if (got <= 0) {
      m_request.close_after = true;
      return got;
    }
    m_consumed += static_cast<std::size_t>(got);
    return got;
  }

 private:
  const ConnectionLimits& m_limits;
  RequestState& m_request;
  Clock::time_point m_header_deadline{};
  Clock::time_point m_body_deadline{};
  bool m_body_started = false;
  std::size_t m_consumed = 0;  // by cpp-httplib, in the current phase
};

void reply_error(httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  response.set_content(nlohmann::json{{"error", message}}.dump(
                           -1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

// Refuses the request before or instead of reading its body: the connection closes after the
// reply, draining what the client still sends so that it sees the reply.
httplib::Server::HandlerResponse refuse(httplib::Response& response, int status,
                                        const std::string& message) {
  reply_error(response, status, message);
  response.set_header("Connection", "close");
  if (t_request) {
    t_request->close_after = true;
    t_request->unread_body = true;
  }
  return httplib::Server::HandlerResponse::Handled;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The largest body each POST path takes; 0 for a path that takes none.
std::size_t body_limit(std::string_view path) {
  if (path == portal_protocol::k_transactions_path) return portal_protocol::k_max_request_bytes;
  if (path == portal_protocol::k_heartbeat_path) return portal_protocol::k_max_heartbeat_bytes;
  if (path == portal_protocol::k_enroll_path) return portal_protocol::k_max_enroll_bytes;
  return 0;
}

// Everything decided from the request line and headers alone, before a byte of body is read.
httplib::Server::HandlerResponse screen_request(const httplib::Request& q, httplib::Response& r) {
  using Handled = httplib::Server::HandlerResponse;
  RequestState& state = *t_request;
  state.headers_done = true;
  if (state.gateway != nullptr) {
    // One gateway connection carries requests of many kiosks: each says who it is for.
    auto identity = state.gateway->verify(q.get_header_value(std::string(k_gateway_verify_header)),
                                          q.get_header_value(std::string(k_gateway_cert_header)));
    if (!identity) return refuse(r, 403, identity.error().message);
    state.peer = std::move(*identity);
  }
  if (state.peer.verified) {
    if (auto ok = check_kiosk_id(state.peer.common_name, "the client certificate's CN"); !ok)
      return refuse(r, 403, ok.error().message);
  } else if (q.path != portal_protocol::k_enroll_path) {
    return refuse(r, 403, "a client certificate is required");
  }
  bool has_length = q.has_header("Content-Length");
  bool chunked = q.has_header("Transfer-Encoding");
  if (q.method == "GET" || q.method == "HEAD") {
    if (chunked || (has_length && q.get_header_value("Content-Length") != "0"))
      return refuse(r, 400, "a GET or HEAD request has no body");
    return Handled::Unhandled;
  }
  if (q.method != "POST") return refuse(r, 405, "only GET, HEAD and POST are served");
  std::size_t limit = body_limit(q.path);
  if (limit == 0) return refuse(r, 404, "no such endpoint");
  if (q.has_header("Content-Encoding") &&
      !equals_ignoring_case(q.get_header_value("Content-Encoding"), "identity"))
    return refuse(r, 415, "request bodies are not to be compressed");
  if (!q.get_header_value("Content-Type").starts_with("application/json"))
    return refuse(r, 415, "the body must be application/json");
  if (q.get_header_value_count("Content-Length") > 1 ||
      q.get_header_value_count("Transfer-Encoding") > 1 || (has_length && chunked))
    return refuse(r, 400, "one Content-Length or one Transfer-Encoding, not both");
  if (chunked) {
    // Chunked bodies are read through the same bound as any other (the handlers count them).
    if (!equals_ignoring_case(q.get_header_value("Transfer-Encoding"), "chunked"))
      return refuse(r, 501, "only the chunked transfer encoding is understood");
    return Handled::Unhandled;
  }
  if (!has_length)
    return refuse(r, 411, "a body needs Content-Length or chunked transfer encoding");
  std::string length = q.get_header_value("Content-Length");
  if (length.empty() || length.size() > 19 ||
      !std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return refuse(r, 400, "Content-Length is not a number");
  if (std::stoull(length) > limit)
    return refuse(r, 413, fmt::format("the body of {} may be at most {} bytes", q.path, limit));
  return Handled::Unhandled;
}

// Reads the body through `reader` up to `limit` bytes; false (and the reply set) otherwise.
bool read_body(const httplib::ContentReader& reader, std::size_t limit, std::string& body,
               httplib::Response& response) {
  bool too_big = false;
  bool complete = reader([&](const char* data, std::size_t size) {
    if (body.size() + size > limit) {
      too_big = true;
      return false;
    }
    body.append(data, size);
    return true;
  });
  if (too_big) {
    refuse(response, 413, fmt::format("the request body is larger than {} bytes", limit));
    return false;
  }
  if (!complete) {
    reply_error(response, 400, "the request body was cut off or came too slowly");
    response.set_header("Connection", "close");
    t_request->close_after = true;
    return false;
  }
  return true;
}

}  // namespace

struct PortalServer::Impl {
  ServerOptions options;
  PortalStore& store;
  Log log;
  std::unique_ptr<TlsContext> tls;
  std::unique_ptr<GatewayIdentity> gateway_identity;
  HttpRouter http;
  std::unique_ptr<ConnectionServer> connections;  // the TLS listener, if any
  std::unique_ptr<ConnectionServer> gateway;      // the gateway's Unix socket, if any
  std::atomic<int> drops_left = 0;
  std::unique_ptr<KioskCa> kiosk_ca;  // null: enrolment is off

  Impl(ServerOptions o, PortalStore& s, Log l)
      : options(std::move(o)), store(s), log(std::move(l)) {}

  // The kiosk the request speaks for: its certificate's CN, checked in screen_request().
  static const std::string& client_kiosk() { return t_request->peer.common_name; }
  // The groups its certificate binds it to.
  static const std::vector<std::string>& client_groups() { return t_request->peer.groups; }

  // Serves one connection's requests until it should close; true when the client may still be
  // sending a body nobody read.
  bool serve_connection(TlsConnection& connection) {
    RequestState request;
    request.peer = connection.peer_identity();
    if (connection.plain()) request.gateway = gateway_identity.get();
    HttpStream stream(connection, options.limits, request);
    t_request = &request;
    struct Unset {
      ~Unset() { t_request = nullptr; }
    } unset;
    for (int served = 0; served < k_max_requests_per_connection; ++served) {
      if (!stream.wait_for_request(Clock::now() + options.limits.idle_timeout)) return false;
      request.headers_done = false;
      request.close_after = false;
      request.unread_body = false;
      stream.begin_request();
      bool closed = false;
      bool ok = http.serve(stream, served + 1 == k_max_requests_per_connection, closed,
                           [&connection](httplib::Request& q) { q.ssl = connection.native(); });
      if (!ok || closed || request.close_after) return request.unread_body;
    }
    return false;
  }

  void on_transactions(const std::string& body, httplib::Response& response) {
    const std::string& kiosk = client_kiosk();
    auto batch = portal_protocol::decode_batch(body);
    if (!batch) return reply_error(response, 400, batch.error().message);
    auto results = store.ingest(kiosk, *batch);
    if (!results) {
      log.error("cannot store a batch from {}: {}", kiosk, results.error().describe());
      return reply_error(response, 503, "storage unavailable");
    }
    std::size_t accepted = 0, duplicates = 0, rejected = 0;
    for (const auto& r : *results) {
      if (r.outcome == UploadOutcome::accepted) ++accepted;
      if (r.outcome == UploadOutcome::duplicate) ++duplicates;
      if (r.outcome == UploadOutcome::rejected) ++rejected;
    }
    log.info("batch from {}: {} accepted, {} duplicate, {} rejected", kiosk, accepted, duplicates,
             rejected);
    if (options.reply_delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(options.reply_delay_ms));
    if (int left = drops_left.load();
        left > 0 && drops_left.compare_exchange_strong(left, left - 1)) {
      log.warn("fault injection: cutting off the reply to a committed batch");
      // The headers go out, then the body provider fails: the connection closes mid-reply.
      response.set_chunked_content_provider("application/json",
                                            [](std::size_t, httplib::DataSink&) { return false; });
      return;
    }
    response.status = rejected > 0 ? 422 : 200;
    response.set_content(portal_protocol::encode_results(*results), "application/json");
  }

  void on_heartbeat(const std::string& body, httplib::Response& response) {
    const std::string& kiosk = client_kiosk();
    auto heartbeat = portal_protocol::decode_heartbeat(body);
    if (!heartbeat) return reply_error(response, 400, heartbeat.error().message);
    if (heartbeat->kiosk_id != kiosk)
      return reply_error(response, 403, "heartbeat names another kiosk");
    if (auto stored = store.record_heartbeat(kiosk, client_groups(), *heartbeat); !stored) {
      log.error("cannot store a heartbeat from {}: {}", kiosk, stored.error().describe());
      return reply_error(response, 503, "storage unavailable");
    }
    log.info("heartbeat from {}: queue {}, audit head {}", kiosk, heartbeat->queue_depth,
             heartbeat->audit_head_seq);
    response.status = 204;
  }

  void on_enroll(const std::string& body, httplib::Response& response) {
    if (!kiosk_ca) return reply_error(response, 503, "enrolment is not configured on this portal");
    auto request = portal_protocol::decode_enrolment(body);
    if (!request) return reply_error(response, 400, request.error().message);
    const auto& kiosk_id = request->kiosk_id;
    auto raw_key = base64_decode(request->device_public_key);
    if (!raw_key || raw_key->size() != k_ed25519_public_key_size)
      return reply_error(response, 400, "device_public_key is not a base64 Ed25519 public key");
    auto chain =
        store.enrol(request->token, kiosk_id, request->device_public_key,
                    [&](const std::vector<std::string>& groups) {
                      return kiosk_ca->issue(request->csr_pem, kiosk_id, groups,
                                             std::chrono::hours(24 * options.certificate_days));
                    });
    if (!chain) {
      if (chain.error().code == Errc::integrity) {
        log.warn("enrolment of {} refused: {}", kiosk_id, chain.error().message);
        return reply_error(response, 403, chain.error().message);
      }
      log.error("enrolment of {} failed: {}", kiosk_id, chain.error().describe());
      return reply_error(response, 503, "enrolment failed on the portal");
    }
    response.status = 200;
    response.set_content(nlohmann::json{{"certificate_chain", *chain}}.dump(), "application/json");
  }

  using BodyHandler = void (Impl::*)(const std::string&, httplib::Response&);
  void route(std::string_view path, BodyHandler handler) {
    std::size_t limit = body_limit(path);
    http.Post(std::string(path),
              [this, limit, handler](const httplib::Request&, httplib::Response& r,
                                     const httplib::ContentReader& reader) {
                std::string body;
                if (read_body(reader, limit, body, r)) (this->*handler)(body, r);
              });
  }
};

PortalServer::PortalServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PortalServer::~PortalServer() {
  stop();
}

Expected<std::unique_ptr<PortalServer>> PortalServer::start(ServerOptions options,
                                                            PortalStore& store, Log log) {
  bool tls_listener = !options.cert.empty() || !options.key.empty();
  if (!tls_listener && options.gateway_socket.empty())
    return fail(Errc::config, "nothing to listen on: give --cert and --key, or --gateway-socket");
  std::vector<std::pair<std::filesystem::path, const char*>> files = {
      {options.client_ca, "client CA"}};
  if (tls_listener) {
    files.emplace_back(options.cert, "server certificate");
    files.emplace_back(options.key, "server key");
  }
  for (const auto& [file, what] : files) {
    if (file.empty() || !std::filesystem::is_regular_file(file)) {
      return fail(Errc::config,
                  fmt::format("{} \"{}\" is not a readable file", what, file.string()));
    }
  }
  auto impl = std::make_unique<Impl>(std::move(options), store, std::move(log));
  Impl& s = *impl;
  if (!s.options.client_ca_key.empty()) {
    auto ca = KioskCa::open(s.options.client_ca, s.options.client_ca_key);
    if (!ca) return std::unexpected(ca.error());
    s.kiosk_ca = std::move(*ca);
  }
  // Enrolment: a new kiosk has no client certificate, so the handshake may not demand one.
  // One listener stays simplest: the server still asks for a certificate and OpenSSL still
  // refuses one that does not verify (another CA, expired) at the handshake; only its absence
  // is let through, and screen_request() answers 403 to every path but enrolment when there is
  // no verified certificate. A second, certificate-less listener would need its own port,
  // address and firewall rule for one request per kiosk lifetime.
  if (tls_listener) {
    auto tls = TlsContext::create(s.options.cert, s.options.key, s.options.client_ca,
                                  /*require_client_certificate=*/!s.kiosk_ca);
    if (!tls) return std::unexpected(tls.error());
    s.tls = std::move(*tls);
  }

  s.http.set_pre_routing_handler(screen_request);
  // A client that asks before sending its body hears the same refusals, before it sends it.
  s.http.set_expect_100_continue_handler([](const httplib::Request& q, httplib::Response& r) {
    return screen_request(q, r) == httplib::Server::HandlerResponse::Handled ? r.status : 100;
  });
  // A reply that refuses the request also ends the connection: whatever follows on it (an
  // unread body, a half-parsed request) is not a request.
  s.http.set_logger([](const httplib::Request&, const httplib::Response& r) {
    if (t_request && r.status >= 400 && r.status != 404 && r.status != 422)
      t_request->close_after = true;
  });
  s.http.set_payload_max_length(portal_protocol::k_max_request_bytes);
  s.drops_left = s.options.drop_replies_after_commit;
  s.route(portal_protocol::k_transactions_path, &Impl::on_transactions);
  s.route(portal_protocol::k_heartbeat_path, &Impl::on_heartbeat);
  s.route(portal_protocol::k_enroll_path, &Impl::on_enroll);
  if (!s.options.static_dir.empty()) {
    if (!s.http.set_mount_point("/repository", s.options.static_dir.string())) {
      return fail(Errc::config,
                  fmt::format("static directory {} does not exist", s.options.static_dir.string()));
    }
    if (auto safe = check_published_tree(s.options.static_dir); !safe)
      return std::unexpected(safe.error());
  }
  auto serve = [&s](TlsConnection& connection) { return s.serve_connection(connection); };
  if (tls_listener) {
    auto connections = ConnectionServer::start(s.options.host, s.options.port, s.options.limits,
                                               *s.tls, serve, s.log.child("net"));
    if (!connections) return std::unexpected(connections.error());
    s.connections = std::move(*connections);
  }
  if (!s.options.gateway_socket.empty()) {
    auto identity = GatewayIdentity::create(s.options.client_ca);
    if (!identity) return std::unexpected(identity.error());
    s.gateway_identity = std::move(*identity);
    auto gateway = ConnectionServer::start_gateway(s.options.gateway_socket, s.options.limits,
                                                   serve, s.log.child("gateway"));
    if (!gateway) return std::unexpected(gateway.error());
    s.gateway = std::move(*gateway);
  }
  return std::unique_ptr<PortalServer>(new PortalServer(std::move(impl)));
}

int PortalServer::port() const {
  return m_impl->connections ? m_impl->connections->port() : 0;
}

void PortalServer::stop() {
  if (!m_impl) return;
  if (m_impl->connections) m_impl->connections->stop();
  if (m_impl->gateway) m_impl->gateway->stop();
}

}  // namespace shubbak::portal
