// libcurl backend of download.hpp.
#include "kiosk/net/download.hpp"

#include <memory>

#include <fmt/format.h>

#include "kiosk/net/curl_handles.hpp"

namespace shubbak {

namespace {

struct Transfer {
  const DownloadSink* sink;
  std::uint64_t max_bytes;
  std::uint64_t received = 0;
  bool too_large = false;
  bool refused = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  transfer->received += bytes;
  if (transfer->received > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // makes curl fail the transfer at once
  }
  if (!(*transfer->sink)(std::string_view(data, bytes))) {
    transfer->refused = true;
    return 0;
  }
  return bytes;
}

}  // namespace

Expected<void> download(const std::string& url, std::uint64_t max_bytes, const DownloadSink& sink,
                        const DownloadOptions& options) {
  if (!curl::init_once()) return fail(Errc::internal, "curl_global_init failed");
  curl::EasyPtr handle(curl_easy_init());
  if (!handle) return fail(Errc::internal, "curl_easy_init failed");
  CURL* curl = handle.get();
  Transfer transfer{&sink, max_bytes};
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
  // A redirect never downgrades an HTTPS repository to plain HTTP.
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR,
                   url.starts_with("https://") ? "https" : "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // An error status fails before any of its body reaches the sink.
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  // Endless data: refuse early when the server announces too much, and count what arrives.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
  // Slow retrieval: a hard deadline, and a minimum average rate over a window.
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.deadline.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.min_bytes_per_second));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options.min_rate_window.count()));
  // Metadata must be fresh: ask caches in between not to serve a stale copy.
  curl_slist* headers = curl_slist_append(nullptr, "Cache-Control: no-cache");
  curl::SlistPtr header_list(headers);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (options.ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file->c_str());
  if (options.client_cert) curl_easy_setopt(curl, CURLOPT_SSLCERT, options.client_cert->c_str());
  if (options.client_key) curl_easy_setopt(curl, CURLOPT_SSLKEY, options.client_key->c_str());

  CURLcode code = curl_easy_perform(curl);
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return fail(Errc::integrity,
                fmt::format("{}: more than the {} bytes allowed (endless data)", url, max_bytes));
  }
  if (transfer.refused)
    return fail(Errc::cancelled, fmt::format("{}: stopped by the receiver", url));
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return fail(Errc::timeout,
                fmt::format("{}: too slow or past the deadline ({})", url, error_text));
  }
  if (code == CURLE_FILE_COULDNT_READ_FILE)
    return fail(Errc::not_found, fmt::format("{}: no such file", url));
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_HTTP_RETURNED_ERROR && (status == 403 || status == 404)) {
    return fail(Errc::not_found, fmt::format("{}: HTTP {}", url, status));
  }
  if (code != CURLE_OK) {
    return fail(Errc::io,
                fmt::format("{}: {}", url, error_text[0] ? error_text : curl_easy_strerror(code)));
  }
  if (url.starts_with("file://")) return {};
  if (status != 200) return fail(Errc::io, fmt::format("{}: HTTP {}", url, status));
  return {};
}

}  // namespace shubbak
