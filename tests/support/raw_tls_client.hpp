// A TLS client that sends exactly the bytes a test gives it, when the test says: the slow,
// malformed and hostile clients of the portal's tests and benchmarks, which no real HTTP client
// would be (a ClientHello trickled a byte at a time, headers that never end, a chunked body
// without end). Loopback only; every wait is bounded.
//
// Threading: one client belongs to one thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace shubbak::testing {

struct RawTlsOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  // Bind to this loopback address before connecting (127.0.0.0/8 is all loopback on Linux), so
  // that a test can be several client addresses at once; empty: the kernel's choice.
  std::string source_address;
  std::filesystem::path ca_file;      // the server must chain to it (empty: not checked)
  std::filesystem::path client_cert;  // empty: no client certificate
  std::filesystem::path client_key;
};

class RawTlsClient {
 public:
  // A TCP connection, no TLS yet; nullptr (and `error`) when it cannot be made.
  static std::unique_ptr<RawTlsClient> connect(const RawTlsOptions& options, std::string& error);
  ~RawTlsClient();
  RawTlsClient(const RawTlsClient&) = delete;
  RawTlsClient& operator=(const RawTlsClient&) = delete;

  // The client's first handshake message, as bytes for send_raw(): a ClientHello.
  std::string client_hello() const;
  // Plain TCP bytes (before or instead of TLS). False once the server has closed.
  bool send_raw(std::string_view bytes);

  // The whole handshake; false (and `error`) if it fails or takes longer than `limit`.
  bool handshake(std::chrono::milliseconds limit, std::string& error);
  // Bytes over TLS, all of them or false (within `limit`).
  bool send(std::string_view bytes, std::chrono::milliseconds limit = std::chrono::seconds(10));
  // One HTTP/1.1 response over TLS (status line, headers, a Content-Length body), or what
  // came before the server closed or `limit` passed.
  std::string read_response(std::chrono::milliseconds limit);
  // True when the server has sent something (or closed) that is not read yet.
  bool has_incoming() const;
  // The status code of an HTTP response text, or 0.
  static int status_of(std::string_view response);

  // True when the server closes the connection (or resets it) within `limit`; bytes it sends
  // meanwhile are read and dropped.
  bool closed_by_server(std::chrono::milliseconds limit);

 private:
  RawTlsClient(int fd, RawTlsOptions options);
  struct Tls;
  int m_fd;
  RawTlsOptions m_options;
  std::unique_ptr<Tls> m_tls;
};

}  // namespace shubbak::testing
