#include "provisioning/portal/portal_server.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "provisioning/portal/kiosk_ca.hpp"

namespace shubbak::portal {

namespace {

// The CN of the verified client certificate; empty when there is none.
std::string client_common_name(const httplib::Request& request) {
  if (request.ssl == nullptr) return {};
  X509* cert = SSL_get1_peer_certificate(request.ssl);
  if (cert == nullptr) return {};
  char name[256] = {};
  int length =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  X509_free(cert);
  return length > 0 ? std::string(name, static_cast<std::size_t>(length)) : std::string();
}

// A client certificate was presented and verified against the client CA during the handshake.
bool has_verified_client_certificate(const httplib::Request& request) {
  if (request.ssl == nullptr) return false;
  X509* cert = SSL_get1_peer_certificate(request.ssl);
  if (cert == nullptr) return false;
  X509_free(cert);
  return SSL_get_verify_result(request.ssl) == X509_V_OK;
}

void reply_error(httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  response.set_content(nlohmann::json{{"error", message}}.dump(
                           -1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

}  // namespace

struct PortalServer::Impl {
  ServerOptions options;
  PortalStore& store;
  Log log;
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;
  int port = 0;
  std::atomic<int> drops_left = 0;
  std::unique_ptr<KioskCa> kiosk_ca;  // null: enrolment is off

  Impl(ServerOptions o, PortalStore& s, Log l)
      : options(std::move(o)), store(s), log(std::move(l)) {}

  void on_transactions(const httplib::Request& request, httplib::Response& response) {
    std::string kiosk = client_common_name(request);
    if (kiosk.empty()) return reply_error(response, 403, "client certificate has no CN");
    auto batch = portal_protocol::decode_batch(request.body);
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

  void on_heartbeat(const httplib::Request& request, httplib::Response& response) {
    std::string kiosk = client_common_name(request);
    if (kiosk.empty()) return reply_error(response, 403, "client certificate has no CN");
    auto heartbeat = portal_protocol::decode_heartbeat(request.body);
    if (!heartbeat) return reply_error(response, 400, heartbeat.error().message);
    if (heartbeat->kiosk_id != kiosk)
      return reply_error(response, 403, "heartbeat names another kiosk");
    if (auto stored = store.record_heartbeat(kiosk, *heartbeat, request.body); !stored) {
      log.error("cannot store a heartbeat from {}: {}", kiosk, stored.error().describe());
      return reply_error(response, 503, "storage unavailable");
    }
    log.info("heartbeat from {}: queue {}, audit head {}", kiosk, heartbeat->queue_depth,
             heartbeat->audit_head_seq);
    response.status = 204;
  }

  void on_enroll(const httplib::Request& request, httplib::Response& response) {
    if (!kiosk_ca) return reply_error(response, 503, "enrolment is not configured on this portal");
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) return reply_error(response, 400, "the body is not a JSON object");
    std::string fields[4];
    const char* names[4] = {"kiosk_id", "token", "csr_pem", "device_public_key"};
    for (int i = 0; i < 4; ++i) {
      auto field = body.find(names[i]);
      if (field == body.end() || !field->is_string() || field->get<std::string>().empty())
        return reply_error(response, 400,
                           fmt::format("\"{}\" is missing or not a string", names[i]));
      fields[i] = field->get<std::string>();
    }
    const auto& [kiosk_id, token, csr_pem, device_key] = fields;
    auto raw_key = base64_decode(device_key);
    if (!raw_key || raw_key->size() != k_ed25519_public_key_size)
      return reply_error(response, 400, "device_public_key is not a base64 Ed25519 public key");
    auto chain = store.enrol(token, kiosk_id, device_key, [&] {
      return kiosk_ca->issue(csr_pem, kiosk_id, std::chrono::hours(24 * options.certificate_days));
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
};

PortalServer::PortalServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PortalServer::~PortalServer() {
  stop();
}

Expected<std::unique_ptr<PortalServer>> PortalServer::start(ServerOptions options,
                                                            PortalStore& store, Log log) {
  for (const auto& [file, what] :
       {std::pair{options.cert, "server certificate"}, std::pair{options.key, "server key"},
        std::pair{options.client_ca, "client CA"}}) {
    if (file.empty() || !std::filesystem::is_regular_file(file)) {
      return fail(Errc::config,
                  fmt::format("{} \"{}\" is not a readable file", what, file.string()));
    }
  }
  auto impl = std::make_unique<Impl>(std::move(options), store, std::move(log));
  Impl& s = *impl;
  // With a client CA, cpp-httplib requires and verifies a client certificate (SSL_VERIFY_PEER |
  // SSL_VERIFY_FAIL_IF_NO_PEER_CERT): no certificate, another CA or an expired one fails the
  // handshake before any handler runs.
  s.server = std::make_unique<httplib::SSLServer>(s.options.cert.c_str(), s.options.key.c_str(),
                                                  s.options.client_ca.c_str());
  if (!s.server->is_valid())
    return fail(Errc::config, "cannot set up TLS with the given certificate, key and CA");
  SSL_CTX* ctx = s.server->ssl_context();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!s.options.client_ca_key.empty()) {
    auto ca = KioskCa::open(s.options.client_ca, s.options.client_ca_key);
    if (!ca) return std::unexpected(ca.error());
    s.kiosk_ca = std::move(*ca);
    // Enrolment: a new kiosk has no client certificate, so the handshake may not demand one.
    // One listener stays simplest: the server still asks for a certificate and OpenSSL still
    // refuses one that does not verify (another CA, expired) at the handshake; only its absence
    // is let through, and the pre-routing handler below answers 403 to every path but enrolment
    // when there is no verified certificate. A second, certificate-less listener would need
    // its own port, address and firewall rule for one request per kiosk lifetime.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    s.server->set_pre_routing_handler([](const httplib::Request& q, httplib::Response& r) {
      if (q.path == portal_protocol::k_enroll_path || has_verified_client_certificate(q))
        return httplib::Server::HandlerResponse::Unhandled;
      reply_error(r, 403, "a client certificate is required");
      // The refusal comes before cpp-httplib reads a request body: close the connection, or
      // the unread body would be parsed as the next request on it.
      r.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    });
  }
  // With client verification on, OpenSSL refuses to resume a session (alert "internal error")
  // unless the context has a session id context; kiosks resume sessions after every reconnect.
  static constexpr unsigned char k_session_context[] = "shubbak-portal";
  SSL_CTX_set_session_id_context(ctx, k_session_context, sizeof k_session_context - 1);
  s.server->set_payload_max_length(portal_protocol::k_max_request_bytes);
  s.server->set_keep_alive_max_count(10'000);
  // Replies are small writes (headers, then body): without TCP_NODELAY, Nagle's algorithm and
  // the client's delayed ACK add some 40 ms to every batch.
  s.server->set_tcp_nodelay(true);
  s.drops_left = s.options.drop_replies_after_commit;
  s.server->Post(
      std::string(portal_protocol::k_transactions_path),
      [&s](const httplib::Request& q, httplib::Response& r) { s.on_transactions(q, r); });
  s.server->Post(std::string(portal_protocol::k_heartbeat_path),
                 [&s](const httplib::Request& q, httplib::Response& r) { s.on_heartbeat(q, r); });
  s.server->Post(std::string(portal_protocol::k_enroll_path),
                 [&s](const httplib::Request& q, httplib::Response& r) { s.on_enroll(q, r); });
  if (!s.options.static_dir.empty() &&
      !s.server->set_mount_point("/repository", s.options.static_dir.string())) {
    return fail(Errc::config,
                fmt::format("static directory {} does not exist", s.options.static_dir.string()));
  }
  s.port = s.options.port == 0 ? s.server->bind_to_any_port(s.options.host) : s.options.port;
  if (s.options.port != 0 && !s.server->bind_to_port(s.options.host, s.options.port)) s.port = -1;
  if (s.port <= 0) {
    return fail(Errc::io, fmt::format("cannot listen on {}:{}", s.options.host, s.options.port));
  }
  s.thread = std::thread([&s] { s.server->listen_after_bind(); });
  // stop() only takes effect once the accept loop runs; wait for it (bounded).
  for (int i = 0; i < 500 && !s.server->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return std::unique_ptr<PortalServer>(new PortalServer(std::move(impl)));
}

int PortalServer::port() const {
  return m_impl->port;
}

void PortalServer::stop() {
  if (!m_impl || !m_impl->server) return;
  m_impl->server->stop();
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

}  // namespace shubbak::portal
