// The reference portal's HTTPS server: mutual TLS (a kiosk must present a certificate issued by
// the client CA; its CN is the kiosk id, checked by kiosk/core/kiosk_id.hpp's rule), the
// transaction and heartbeat API of kiosk/sync/portal_protocol.hpp, a static directory (the TUF
// service repository) under /repository/, and enrolment (POST /api/v1/enroll, the one path open
// without a client certificate: a new kiosk has none yet; a one-time token authorises it).
//
// Connections, TLS and their limits are ConnectionServer's; cpp-httplib parses requests and
// routes them, over a stream that bounds every request in time and bytes: headers, then the
// body (at most its path's limit, whatever the transfer encoding; 413 beyond), then the reply.
// A refused request closes its connection.
//
// Threading: start() and stop() from one thread; requests are served on the server's threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "provisioning/portal/connection_server.hpp"
#include "provisioning/portal/portal_store.hpp"

namespace shubbak::portal {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8443;                      // 0: any free port (see PortalServer::port())
  std::filesystem::path cert;           // server certificate (PEM)
  std::filesystem::path key;            // its private key (PEM)
  std::filesystem::path client_ca;      // CA that issues kiosk certificates (PEM)
  std::filesystem::path client_ca_key;  // its private key (PEM); empty: enrolment is off
  int certificate_days = 365;           // lifetime of a kiosk certificate issued at enrolment
  std::filesystem::path static_dir;     // served under /repository/; empty: none
  // Behind nginx: plain HTTP on this Unix socket, each request carrying the kiosk's certificate
  // as nginx verified it (gateway_identity.hpp). Empty: none. The TLS listener (host, port,
  // cert, key) is started only when cert and key are given.
  std::filesystem::path gateway_socket;
  ConnectionLimits limits;
  // Fault injection for protocol tests: the reply to this many transaction batches is cut off
  // after the batch was committed, as a network failure would.
  int drop_replies_after_commit = 0;
  // Fault injection: wait this long between committing a batch and replying, so a test can
  // kill the kiosk while its batch is stored but unacknowledged.
  int reply_delay_ms = 0;
};

class PortalServer final {
 public:
  static Expected<std::unique_ptr<PortalServer>> start(ServerOptions options, PortalStore& store,
                                                       Log log);
  ~PortalServer();  // stop()
  PortalServer(const PortalServer&) = delete;
  PortalServer& operator=(const PortalServer&) = delete;

  int port() const;  // the TLS listener's; 0 without one
  void stop();

 private:
  struct Impl;
  explicit PortalServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak::portal
