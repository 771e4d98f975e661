// How the TUF client reaches a repository: over HTTP(S) (kiosk/net's download, http_fetcher.cpp)
// or from a directory such as a USB stick (directory_fetcher.cpp). The client never trusts what it
// gets: the limits below only stop endless-data and slow-retrieval attacks early; signatures,
// hashes and lengths are checked by the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/net/download.hpp"

namespace shubbak::trust {

// Deadlines, the slow-retrieval rate and TLS files: kiosk/net's download options.
using FetchOptions = DownloadOptions;

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

// http://, https:// and file:// through kiosk/net. Thread-compatible: one fetcher per thread.
Expected<std::unique_ptr<Fetcher>> make_http_fetcher(const FetchOptions& options);

// Reads "<root>/<relative url>" from a directory; `url`s are the same strings the updater builds
// for HTTP, so a base of "/media/usb/repo/metadata" works like "https://.../metadata".
std::unique_ptr<Fetcher> make_directory_fetcher();

// An HTTP fetcher for "http://" and "https://" and "file://", a directory fetcher for a plain path.
Expected<std::unique_ptr<Fetcher>> make_fetcher_for(std::string_view base_url,
                                                    const FetchOptions& options);

}  // namespace shubbak::trust
