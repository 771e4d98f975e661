// How the TUF client reaches a repository: over HTTPS (libcurl, curl_fetcher.cpp) or from a
// directory such as a USB stick (directory_fetcher.cpp). The client never trusts what it gets:
// the limits below only stop endless-data and slow-retrieval attacks early; signatures, hashes
// and lengths are checked by the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak::trust {

struct FetchOptions {
  // The whole transfer must end within this time, however fast it starts.
  std::chrono::milliseconds deadline{std::chrono::minutes(5)};
  // Below this average rate over `min_rate_window` the transfer is abandoned (slow retrieval).
  std::uint64_t min_bytes_per_second = 1024;
  std::chrono::seconds min_rate_window{15};
  std::chrono::seconds connect_timeout{15};
  // TLS: a CA bundle to trust instead of the system's, and an optional client certificate
  // and key for mutual TLS (the kiosk's enrolled identity).
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::filesystem::path> client_cert;
  std::optional<std::filesystem::path> client_key;
};

class Fetcher {
 public:
  // Receives the body piece by piece; returning false stops the transfer.
  using Sink = std::function<bool(std::string_view chunk)>;

  virtual ~Fetcher() = default;

  // Streams `url` into `sink`. Errors: Errc::not_found (HTTP 403/404 or no such file),
  // Errc::integrity (more than `max_bytes`), Errc::timeout (deadline or too slow),
  // Errc::io (anything else, with the reason).
  virtual Expected<void> fetch(const std::string& url, std::uint64_t max_bytes,
                               const Sink& sink) = 0;

  // The whole body in memory, for metadata.
  Expected<std::string> fetch_bytes(const std::string& url, std::uint64_t max_bytes);
};

// libcurl over http:// and https:// (and file://). Thread-compatible: one fetcher per thread.
Expected<std::unique_ptr<Fetcher>> make_curl_fetcher(const FetchOptions& options);

// Reads "<root>/<relative url>" from a directory; `url`s are the same strings the updater builds
// for HTTP, so a base of "/media/usb/repo/metadata" works like "https://.../metadata".
std::unique_ptr<Fetcher> make_directory_fetcher();

// A curl fetcher for "http://" and "https://" and "file://", a directory fetcher for a plain path.
Expected<std::unique_ptr<Fetcher>> make_fetcher_for(std::string_view base_url,
                                                    const FetchOptions& options);

}  // namespace shubbak::trust
