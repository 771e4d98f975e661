// The portal's TLS: the server context (certificate, key, the kiosk CA that client certificates
// must chain to) and one accepted connection over a non-blocking socket, where every wait has a
// deadline and ends early when the server stops. OpenSSL stays in tls_connection.cpp and
// gateway_identity.cpp.
//
// A connection made without a TLS context is plain: the gateway's Unix socket, where nginx has
// already ended the kiosk's TLS and says who the kiosk is in each request's headers.
//
// Threading: a TlsContext is shared by all connections (OpenSSL contexts are thread-safe once
// set up); a TlsConnection belongs to the one thread that serves it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"

// OpenSSL's own names, declared so this header does not pull in OpenSSL.
struct ssl_ctx_st;
struct ssl_st;
struct x509_st;

namespace shubbak::portal {

using Clock = std::chrono::steady_clock;

class TlsContext final {
 public:
  // `require_client_certificate` false still asks for one and still refuses one that does not
  // verify; only its absence is let through (enrolment: a new kiosk has none yet).
  static Expected<std::unique_ptr<TlsContext>> create(const std::filesystem::path& cert,
                                                      const std::filesystem::path& key,
                                                      const std::filesystem::path& client_ca,
                                                      bool require_client_certificate);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const { return m_ctx; }

 private:
  explicit TlsContext(ssl_ctx_st* ctx) : m_ctx(ctx) {}
  ssl_ctx_st* m_ctx;
};

// Who the client proved to be during the handshake.
struct PeerIdentity {
  bool verified = false;  // a client certificate was presented and chains to the kiosk CA
  // Its subject's one CN, as UTF-8; empty when there is none, more than one, or it holds a NUL
  // byte. Not yet checked as a kiosk id: that is the caller's rule.
  std::string common_name;
  // The kiosk's groups, the subject's OUs in order, as kiosk/crypto/certificate_groups.hpp reads
  // them: empty unless the portal's kiosk CA bound them (its group binding policy) and every OU
  // is a group name, so a malformed or older certificate puts a kiosk in no group, not in some.
  std::vector<std::string> groups;
};

// The subject's one CN of `certificate`, as UTF-8; empty when there is none, more than one, or it
// holds a NUL byte.
std::string single_common_name(x509_st* certificate);
// The groups of `certificate`, as PeerIdentity::groups.
std::vector<std::string> certificate_groups(x509_st* certificate);

class TlsConnection final {
 public:
  // Takes ownership of `fd` (a connected, non-blocking socket). `stop_fd` becomes readable when
  // the server stops; every wait watches it. `context` null: a plain connection (no handshake,
  // no peer identity; bytes as they come).
  TlsConnection(int fd, std::string peer_address, int peer_port, const TlsContext* context,
                int stop_fd);
  ~TlsConnection();  // closes without a TLS goodbye; see close_gracefully()
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  // The TLS handshake, complete before `deadline` or refused (a slow or silent client is cut
  // off there, however it trickles its bytes).
  Expected<void> handshake(Clock::time_point deadline);
  PeerIdentity peer_identity() const;

  // True once decrypted bytes can be read without waiting; false at `deadline`, on stop, or
  // when the peer closed.
  bool wait_readable(Clock::time_point deadline);
  // Up to `size` bytes, waiting at most until `deadline`: >0 bytes read, 0 the peer closed,
  // -1 error, timeout or stop.
  ssize_t read(char* data, std::size_t size, Clock::time_point deadline);
  // All of `size` bytes before `deadline`, or -1.
  ssize_t write(const char* data, std::size_t size, Clock::time_point deadline);

  // Sends the TLS close_notify and ends the write side. With `drain`, what the peer still sends
  // (a body the portal refused without reading) is read and dropped until it closes, for up to
  // `deadline` or a few MiB, so that the refusal itself is not lost to a TCP reset.
  void close_gracefully(bool drain, Clock::time_point deadline);

  const ssl_st* native() const { return m_ssl; }
  bool plain() const { return m_ssl == nullptr; }
  int fd() const { return m_fd; }
  const std::string& peer_address() const { return m_peer_address; }
  int peer_port() const { return m_peer_port; }

 private:
  ssize_t read_plain(char* data, std::size_t size, Clock::time_point deadline);
  ssize_t write_plain(const char* data, std::size_t size, Clock::time_point deadline);
  // Waits for `events` (POLLIN/POLLOUT) on the socket; false at `deadline` or on stop.
  bool wait_socket(short events, Clock::time_point deadline) const;

  int m_fd;
  std::string m_peer_address;
  int m_peer_port;
  int m_stop_fd;
  ssl_st* m_ssl = nullptr;  // null: plain
  bool m_broken = false;
};

}  // namespace shubbak::portal
