// The portal's network side below HTTP: one listening socket (exclusively: a second portal on a
// port already in use refuses to start), an accept loop that admits connections through a
// ConnectionGate, and a pool of worker threads, one per admitted connection, that completes the
// TLS handshake before a deadline and then hands the connection to the HTTP layer.
//
// The pool never holds more threads than max_connections, and every admitted connection has a
// thread at once: nothing waits in a queue behind slow clients. The limits and timeouts are in
// ConnectionLimits.
//
// Threading: start() and stop() from one thread; the handler runs on the worker threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/core/log.hpp"
#include "provisioning/portal/tls_connection.hpp"

namespace shubbak::portal {

struct ConnectionLimits {
  std::size_t max_connections = 256;                    // open at once, from all clients
  std::size_t max_connections_per_address = 16;         // open at once from one client address
  std::chrono::milliseconds handshake_timeout{10'000};  // accept to TLS handshake done
  std::chrono::milliseconds header_timeout{10'000};     // first byte to the end of the headers
  std::chrono::milliseconds body_timeout{60'000};       // end of the headers to the end of the body
  std::chrono::milliseconds idle_timeout{15'000};       // between requests on a connection
  std::chrono::milliseconds write_timeout{30'000};      // for each write of a reply
};

class ConnectionServer final {
 public:
  // Serves one connection after its handshake; returns when it should be closed, saying
  // whether the peer may still be sending (so the close drains it first).
  using Handler = std::function<bool(TlsConnection&)>;

  // Binds host:port (port 0: a free one) and starts accepting. Errc::io with the reason when
  // the address cannot be had, e.g. another process listens on the port.
  static Expected<std::unique_ptr<ConnectionServer>> start(const std::string& host, int port,
                                                           ConnectionLimits limits,
                                                           const TlsContext& tls, Handler handler,
                                                           Log log);
  // The gateway's side door: plain HTTP on a Unix socket at `path` (mode 0660), for nginx, which
  // ends the kiosks' mutual TLS in front of several portal processes.
  static Expected<std::unique_ptr<ConnectionServer>> start_gateway(
      const std::filesystem::path& path, ConnectionLimits limits, Handler handler, Log log);
  ~ConnectionServer();  // stop()
  ConnectionServer(const ConnectionServer&) = delete;
  ConnectionServer& operator=(const ConnectionServer&) = delete;

  int port() const;  // 0 for the gateway's socket
  // Stops accepting, wakes every connection's waits, and joins all threads.
  void stop();

 private:
  struct Impl;
  explicit ConnectionServer(std::unique_ptr<Impl> impl);
  static Expected<std::unique_ptr<ConnectionServer>> run(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak::portal
