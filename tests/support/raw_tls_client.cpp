#include "tests/support/raw_tls_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace shubbak::testing {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX));
}

// Waits for `events` on `fd` until `deadline`: true when ready (or in error: the next call says).
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

}  // namespace

struct RawTlsClient::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

RawTlsClient::RawTlsClient(int fd, RawTlsOptions options)
    : m_fd(fd), m_options(std::move(options)), m_tls(std::make_unique<Tls>()) {}

RawTlsClient::~RawTlsClient() {
  m_tls.reset();
  ::close(m_fd);
}

std::unique_ptr<RawTlsClient> RawTlsClient::connect(const RawTlsOptions& options,
                                                    std::string& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<RawTlsClient> client(new RawTlsClient(fd, options));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!options.source_address.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, options.source_address.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      error = "bind " + options.source_address + ": " + std::strerror(errno);
      return nullptr;
    }
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(options.port));
  ::inet_pton(AF_INET, options.host.c_str(), &server.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0 &&
      errno != EINPROGRESS) {
    error = std::string("connect: ") + std::strerror(errno);
    return nullptr;
  }
  if (!wait_for(fd, POLLOUT, Clock::now() + std::chrono::seconds(5))) {
    error = "connect: timed out";
    return nullptr;
  }
  int so_error = 0;
  socklen_t length = sizeof so_error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
  if (so_error != 0) {
    error = std::string("connect: ") + std::strerror(so_error);
    return nullptr;
  }
  Tls& tls = *client->m_tls;
  tls.ctx = SSL_CTX_new(TLS_client_method());
  if (tls.ctx == nullptr) {
    error = "SSL_CTX_new failed";
    return nullptr;
  }
  if (!options.ca_file.empty()) {
    SSL_CTX_load_verify_locations(tls.ctx, options.ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(tls.ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!options.client_cert.empty() &&
      (SSL_CTX_use_certificate_chain_file(tls.ctx, options.client_cert.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(tls.ctx, options.client_key.c_str(), SSL_FILETYPE_PEM) != 1)) {
    error = "cannot load the client certificate";
    return nullptr;
  }
  return client;
}

std::string RawTlsClient::client_hello() const {
  SSL* ssl = SSL_new(m_tls->ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);  // ssl owns both now
  SSL_set_connect_state(ssl);
  SSL_do_handshake(ssl);  // wants to read the server's answer: the hello is in `out`
  char* data = nullptr;
  long length = BIO_get_mem_data(out, &data);
  std::string hello(data, static_cast<std::size_t>(std::max(0L, length)));
  SSL_free(ssl);
  ERR_clear_error();
  return hello;
}

bool RawTlsClient::send_raw(std::string_view bytes) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!bytes.empty()) {
    ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    } else if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(m_fd, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

bool RawTlsClient::handshake(std::chrono::milliseconds limit, std::string& error) {
  auto deadline = Clock::now() + limit;
  Tls& tls = *m_tls;
  tls.ssl = SSL_new(tls.ctx);
  SSL_set_fd(tls.ssl, m_fd);
  for (;;) {
    ERR_clear_error();
    int result = SSL_connect(tls.ssl);
    if (result == 1) return true;
    int code = SSL_get_error(tls.ssl, result);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
      if (wait_for(m_fd, code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) continue;
      error = "handshake timed out";
      return false;
    }
    unsigned long reason = ERR_get_error();
    char text[256] = "handshake failed";
    if (reason != 0) ERR_error_string_n(reason, text, sizeof text);
    error = text;
    return false;
  }
}

bool RawTlsClient::send(std::string_view bytes, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  SSL* ssl = m_tls->ssl;
  if (ssl == nullptr) return false;
  while (!bytes.empty()) {
    ERR_clear_error();
    int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20));
    int result = SSL_write(ssl, bytes.data(), chunk);
    if (result > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(result));
      continue;
    }
    int code = SSL_get_error(ssl, result);
    if ((code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) &&
        wait_for(m_fd, code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
      continue;
    return false;
  }
  return true;
}

std::string RawTlsClient::read_response(std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  SSL* ssl = m_tls->ssl;
  std::string response;
  if (ssl == nullptr) return response;
  for (;;) {
    auto end = response.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t body = 0;
      auto header = response.find("Content-Length: ");
      if (header != std::string::npos && header < end)
        body = std::strtoul(response.c_str() + header + 16, nullptr, 10);
      if (response.size() >= end + 4 + body) return response;
    }
    char buffer[16384];
    ERR_clear_error();
    int result = SSL_read(ssl, buffer, sizeof buffer);
    if (result > 0) {
      response.append(buffer, static_cast<std::size_t>(result));
      continue;
    }
    int code = SSL_get_error(ssl, result);
    if ((code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) &&
        wait_for(m_fd, code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
      continue;
    return response;
  }
}

bool RawTlsClient::has_incoming() const {
  pollfd p{m_fd, POLLIN, 0};
  if (m_tls->ssl == nullptr) return ::poll(&p, 1, 0) > 0;
  // Readable bytes may be only TLS housekeeping (a TLS 1.3 session ticket): peek, without
  // waiting, for application data or the end of the connection.
  if (SSL_pending(m_tls->ssl) > 0) return true;
  if (::poll(&p, 1, 0) <= 0) return false;
  char byte;
  ERR_clear_error();
  int result = SSL_peek(m_tls->ssl, &byte, 1);
  if (result > 0) return true;
  int code = SSL_get_error(m_tls->ssl, result);
  return code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE;
}

int RawTlsClient::status_of(std::string_view response) {
  if (!response.starts_with("HTTP/1.1 ") || response.size() < 12) return 0;
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

bool RawTlsClient::closed_by_server(std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  SSL* ssl = m_tls->ssl;
  for (;;) {
    char buffer[16384];
    if (ssl != nullptr) {
      ERR_clear_error();
      int result = SSL_read(ssl, buffer, sizeof buffer);
      if (result > 0) continue;
      int code = SSL_get_error(ssl, result);
      if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
        if (!wait_for(m_fd, code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) return false;
        continue;
      }
      return true;  // close_notify, EOF or reset
    }
    ssize_t got = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (got > 0) continue;
    if (got == 0) return true;
    if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(m_fd, POLLIN, deadline)) return false;
      continue;
    }
    return true;  // reset
  }
}

}  // namespace shubbak::testing
