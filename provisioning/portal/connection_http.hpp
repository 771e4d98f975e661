// cpp-httplib driven over connections the portal owns (ConnectionServer and TlsConnection), for
// both of its HTTP servers, the kiosks' API and the admin console: cpp-httplib's own accept
// loop, thread pool and TLS (which cannot bound slow clients or chunked bodies) stay unused.
//
// Threading: a ConnectionStream belongs to the thread that serves its connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include <httplib.h>

#include "provisioning/portal/tls_connection.hpp"

namespace shubbak::portal {

// cpp-httplib's routing and request parsing, one request at a time on a stream of ours.
class HttpRouter final : public httplib::Server {
 public:
  bool serve(httplib::Stream& stream, bool last, bool& closed,
             const std::function<void(httplib::Request&)>& setup = nullptr) {
    return process_request(stream, last, closed, setup);
  }
};

// What every stream over a TlsConnection does alike: reads through a buffer, each refill
// waiting at most until the deadline its reader gives; writes bounded by `write_timeout`; the
// peer's and the local address. Subclasses decide each read's deadline and byte budget.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(TlsConnection& connection, std::chrono::milliseconds write_timeout)
      : m_connection(connection), m_write_timeout(write_timeout) {}

  // Waits for the first byte of the next request (false: idle too long, closed or stopping).
  bool wait_for_request(Clock::time_point deadline) {
    return m_begin < m_end || m_connection.wait_readable(deadline);
  }

  bool is_readable() const override { return m_begin < m_end; }
  bool is_writable() const override { return true; }  // write() itself waits, bounded
  ssize_t write(const char* data, std::size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return m_connection.fd(); }

 protected:
  // Up to `size` bytes (at least one), refilling the buffer before `deadline` when it is empty:
  // >0 bytes, 0 the peer closed, -1 error, timeout or stop.
  ssize_t read_buffered(char* data, std::size_t size, Clock::time_point deadline);

 private:
  TlsConnection& m_connection;
  std::chrono::milliseconds m_write_timeout;
  char m_buffer[16384];
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
};

}  // namespace shubbak::portal
