// Streaming downloads over http://, https:// and file://, for the service repository (the TUF
// client's fetcher, kiosk/trust/http_fetcher.cpp). Unlike HttpsClient, plain HTTP and local
// files are allowed: what arrives is never trusted, the caller checks signatures, hashes and
// lengths. The limits below only stop endless-data and slow-retrieval attacks early.
//
// Threading: any thread; each call uses its own connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct DownloadOptions {
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

// Receives the body piece by piece; returning false stops the transfer (Errc::cancelled).
using DownloadSink = std::function<bool(std::string_view chunk)>;

// Streams `url` into `sink`, following at most three redirects (never from https to http).
// Errors: Errc::not_found (HTTP 403/404 or no such file), Errc::integrity (more than
// `max_bytes`), Errc::timeout (deadline or too slow), Errc::cancelled (the sink said stop),
// Errc::io (anything else, with the reason).
Expected<void> download(const std::string& url, std::uint64_t max_bytes, const DownloadSink& sink,
                        const DownloadOptions& options);

}  // namespace shubbak
