// An HTTPS client with mutual TLS, for everything the kiosk says to its portal: the outbox
// upload and the heartbeat (the service repository streams through download.hpp). libcurl
// underneath; its headers stay in kiosk/net's own .cpp files.
//
// Only https:// URLs are accepted; the server must present a certificate chaining to `ca_file`
// and matching the host name; the kiosk presents its enrolled client certificate. Connections are
// kept alive between requests.
//
// Threading: one client serves one thread at a time (create one per worker). cancel() may be
// called from any thread; it aborts the transfer in progress and every later one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct TlsOptions {
  std::filesystem::path ca_file;      // PEM bundle the server must chain to
  std::filesystem::path client_cert;  // PEM; empty: no client certificate
  std::filesystem::path client_key;   // PEM private key of client_cert
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpsClient final {
 public:
  // Checks that the files exist and are readable; the TLS handshake happens on first use.
  static Expected<std::unique_ptr<HttpsClient>> create(TlsOptions tls);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // POSTs `json` with Content-Type application/json. Any HTTP status is a response; only
  // transport failures are errors: Errc::timeout past `deadline`, Errc::integrity when the TLS
  // peer does not verify, Errc::cancelled after cancel(), Errc::io otherwise.
  Expected<HttpResponse> post_json(std::string_view url, std::string_view json,
                                   std::chrono::milliseconds deadline,
                                   std::size_t max_response_bytes = k_default_max_response);
  // GETs at most `max_bytes` of body (more is Errc::io, and the transfer stops there).
  Expected<HttpResponse> get(std::string_view url, std::size_t max_bytes,
                             std::chrono::milliseconds deadline);

  void cancel();

  static constexpr std::size_t k_default_max_response = 4 * 1024 * 1024;

 private:
  struct Impl;
  explicit HttpsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace shubbak
