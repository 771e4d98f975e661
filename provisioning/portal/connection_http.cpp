#include "provisioning/portal/connection_http.hpp"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <algorithm>
#include <cstring>

namespace shubbak::portal {

ssize_t ConnectionStream::read_buffered(char* data, std::size_t size, Clock::time_point deadline) {
  if (m_begin == m_end) {
    ssize_t got = m_connection.read(m_buffer, sizeof m_buffer, deadline);
    if (got <= 0) return got;
    m_begin = 0;
    m_end = static_cast<std::size_t>(got);
  }
  std::size_t n = std::min(size, m_end - m_begin);
  std::memcpy(data, m_buffer + m_begin, n);
  m_begin += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* data, std::size_t size) {
  return m_connection.write(data, size, Clock::now() + m_write_timeout);
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = m_connection.peer_address();
  port = m_connection.peer_port();
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  ip.clear();
  port = 0;
  if (::getsockname(m_connection.fd(), reinterpret_cast<sockaddr*>(&local), &length) != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (local.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(local);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (local.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(local);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

}  // namespace shubbak::portal
