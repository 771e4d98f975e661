#include "provisioning/portal/tls_connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "kiosk/crypto/certificate_groups.hpp"

namespace shubbak::portal {

namespace {

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no reason given";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  // Rounded up, so a wait never spins on a deadline less than a millisecond away.
  return static_cast<int>(std::clamp<std::int64_t>(left.count() + 1, 0, INT_MAX));
}

}  // namespace

Expected<std::unique_ptr<TlsContext>> TlsContext::create(const std::filesystem::path& cert,
                                                         const std::filesystem::path& key,
                                                         const std::filesystem::path& client_ca,
                                                         bool require_client_certificate) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return fail(Errc::internal, "cannot make a TLS context: " + openssl_reason());
  std::unique_ptr<TlsContext> context(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // An idle connection keeps no read or write buffers: many of them cost little memory.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    return fail(Errc::config,
                fmt::format("server certificate {}: {}", cert.string(), openssl_reason()));
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
    return fail(Errc::config, fmt::format("server key {}: {}", key.string(), openssl_reason()));
  if (SSL_CTX_check_private_key(ctx) != 1)
    return fail(Errc::config, "the server key does not belong to the server certificate");
  if (SSL_CTX_load_verify_locations(ctx, client_ca.c_str(), nullptr) != 1)
    return fail(Errc::config,
                fmt::format("client CA {}: {}", client_ca.string(), openssl_reason()));
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
  if (names == nullptr)
    return fail(Errc::config,
                fmt::format("client CA {}: no certificate in it", client_ca.string()));
  SSL_CTX_set_client_CA_list(ctx, names);
  // With a client certificate required, no certificate, another CA's or an expired one fails
  // the handshake before any request is read.
  SSL_CTX_set_verify(ctx,
                     require_client_certificate ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                                : SSL_VERIFY_PEER,
                     nullptr);
  // With client verification on, OpenSSL refuses to resume a session (alert "internal error")
  // unless the context has a session id context; kiosks resume sessions after every reconnect.
  static constexpr unsigned char k_session_context[] = "shubbak-portal";
  SSL_CTX_set_session_id_context(ctx, k_session_context, sizeof k_session_context - 1);
  return context;
}

TlsContext::~TlsContext() {
  SSL_CTX_free(m_ctx);
}

TlsConnection::TlsConnection(int fd, std::string peer_address, int peer_port,
                             const TlsContext* context, int stop_fd)
    : m_fd(fd),
      m_peer_address(std::move(peer_address)),
      m_peer_port(peer_port),
      m_stop_fd(stop_fd) {
  if (context == nullptr) return;
  m_ssl = SSL_new(context->native());
  if (m_ssl == nullptr || SSL_set_fd(m_ssl, m_fd) != 1) m_broken = true;
}

TlsConnection::~TlsConnection() {
  if (m_ssl != nullptr) SSL_free(m_ssl);
  ::close(m_fd);
}

bool TlsConnection::wait_socket(short events, Clock::time_point deadline) const {
  for (;;) {
    pollfd fds[2] = {{m_fd, events, 0}, {m_stop_fd, POLLIN, 0}};
    int timeout = remaining_ms(deadline);
    if (timeout == 0) return false;
    int ready = ::poll(fds, 2, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    if (fds[1].revents != 0) return false;  // stopping
    return fds[0].revents != 0;             // ready, or an error the next call will report
  }
}

Expected<void> TlsConnection::handshake(Clock::time_point deadline) {
  if (m_broken) return fail(Errc::internal, "cannot set up TLS for the connection");
  if (plain()) return {};
  for (;;) {
    ERR_clear_error();
    int result = SSL_accept(m_ssl);
    if (result == 1) return {};
    int error = SSL_get_error(m_ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (!wait_socket(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        m_broken = true;
        return fail(Errc::timeout, "the TLS handshake did not complete in time");
      }
      continue;
    }
    m_broken = true;
    return fail(Errc::integrity, "TLS handshake refused: " + openssl_reason());
  }
}

std::string single_common_name(X509* certificate) {
  X509_NAME* subject = X509_get_subject_name(certificate);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  // More than one CN is ambiguous: it names no one.
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  std::string cn;
  if (length > 0) cn.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return cn.find('\0') == std::string::npos ? cn : std::string();
}

std::vector<std::string> certificate_groups(X509* certificate) {
  // The kiosk's own reader: the portal and the kiosk agree on a kiosk's groups byte for byte.
  return certificate_bound_groups(certificate).value_or(std::vector<std::string>{});
}

PeerIdentity TlsConnection::peer_identity() const {
  PeerIdentity identity;
  if (plain()) return identity;
  X509* cert = SSL_get1_peer_certificate(m_ssl);
  if (cert == nullptr) return identity;
  identity.verified = SSL_get_verify_result(m_ssl) == X509_V_OK;
  identity.common_name = single_common_name(cert);
  identity.groups = certificate_groups(cert);
  X509_free(cert);
  return identity;
}

bool TlsConnection::wait_readable(Clock::time_point deadline) {
  if (m_broken) return false;
  if (plain()) return wait_socket(POLLIN, deadline);
  if (SSL_pending(m_ssl) > 0) return true;
  // Readable bytes on the socket may be a whole record or a fragment: peek decrypts what there
  // is without consuming it, and waits again for the rest.
  for (;;) {
    char byte;
    ERR_clear_error();
    int result = SSL_peek(m_ssl, &byte, 1);
    if (result > 0) return true;
    int error = SSL_get_error(m_ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (!wait_socket(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) return false;
      continue;
    }
    m_broken = error != SSL_ERROR_ZERO_RETURN;
    return false;
  }
}

ssize_t TlsConnection::read(char* data, std::size_t size, Clock::time_point deadline) {
  if (m_broken) return -1;
  if (plain()) return read_plain(data, size, deadline);
  int chunk = static_cast<int>(std::min<std::size_t>(size, INT_MAX));
  for (;;) {
    ERR_clear_error();
    int result = SSL_read(m_ssl, data, chunk);
    if (result > 0) return result;
    int error = SSL_get_error(m_ssl, result);
    if (error == SSL_ERROR_ZERO_RETURN) return 0;
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (!wait_socket(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        m_broken = true;
        return -1;
      }
      continue;
    }
    m_broken = true;
    return -1;
  }
}

ssize_t TlsConnection::write(const char* data, std::size_t size, Clock::time_point deadline) {
  if (m_broken) return -1;
  if (plain()) return write_plain(data, size, deadline);
  std::size_t done = 0;
  while (done < size) {
    int chunk = static_cast<int>(std::min<std::size_t>(size - done, 1 << 20));
    ERR_clear_error();
    // After WANT_WRITE, OpenSSL wants the same buffer again: `data + done` and `chunk` only
    // change once a write succeeded.
    int result = SSL_write(m_ssl, data + done, chunk);
    if (result > 0) {
      done += static_cast<std::size_t>(result);
      continue;
    }
    int error = SSL_get_error(m_ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (!wait_socket(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        m_broken = true;
        return -1;
      }
      continue;
    }
    m_broken = true;
    return -1;
  }
  return static_cast<ssize_t>(size);
}

ssize_t TlsConnection::read_plain(char* data, std::size_t size, Clock::time_point deadline) {
  for (;;) {
    ssize_t got = ::recv(m_fd, data, size, 0);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    if (errno != EAGAIN || !wait_socket(POLLIN, deadline)) {
      m_broken = true;
      return -1;
    }
  }
}

ssize_t TlsConnection::write_plain(const char* data, std::size_t size, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t sent = ::send(m_fd, data + done, size - done, MSG_NOSIGNAL);
    if (sent > 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent == 0 || errno != EAGAIN || !wait_socket(POLLOUT, deadline)) {
      m_broken = true;
      return -1;
    }
  }
  return static_cast<ssize_t>(size);
}

void TlsConnection::close_gracefully(bool drain, Clock::time_point deadline) {
  if (!m_broken && !plain()) {
    ERR_clear_error();
    SSL_shutdown(m_ssl);  // one try: a peer that does not read gets no more time
  }
  ::shutdown(m_fd, SHUT_WR);
  if (!drain) return;
  constexpr std::size_t k_max_drain = 16 * 1024 * 1024;
  char sink[16384];
  std::size_t drained = 0;
  while (drained < k_max_drain && wait_socket(POLLIN, deadline)) {
    ssize_t got = ::recv(m_fd, sink, sizeof sink, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got <= 0) return;
    drained += static_cast<std::size_t>(got);
  }
}

}  // namespace shubbak::portal
