#include "kiosk/net/https_client.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "kiosk/net/curl_handles.hpp"

namespace shubbak {

namespace {

constexpr long k_max_connect_ms = 10'000;

Errc errc_for(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Errc::timeout;
    case CURLE_ABORTED_BY_CALLBACK:
      return Errc::cancelled;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return Errc::integrity;
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return Errc::config;
    default:
      return Errc::io;
  }
}

Expected<void> readable(const std::filesystem::path& path, std::string_view what) {
  if (path.empty()) return fail(Errc::config, fmt::format("no {} given", what));
  if (::access(path.c_str(), R_OK) != 0)
    return fail_errno(Errc::config, fmt::format("{} {}", what, path.string()), errno);
  return {};
}

}  // namespace

struct HttpsClient::Impl {
  TlsOptions tls;
  curl::EasyPtr easy;
  std::atomic<bool> cancelled = false;

  struct Transfer {
    Impl* self;
    std::string body;
    std::size_t max_bytes;
    bool too_big = false;
  };

  static size_t on_data(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::size_t bytes = size * count;
    if (transfer->body.size() + bytes > transfer->max_bytes) {
      transfer->too_big = true;
      return 0;  // stops the transfer with CURLE_WRITE_ERROR
    }
    transfer->body.append(data, bytes);
    return bytes;
  }

  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Transfer*>(user)->self->cancelled.load() ? 1 : 0;
  }

  Expected<HttpResponse> perform(std::string_view url, const std::string* post_body,
                                 std::size_t max_bytes, std::chrono::milliseconds deadline) {
    if (cancelled) return fail(Errc::cancelled, "HTTPS client was cancelled");
    if (!url.starts_with("https://"))
      return fail(Errc::config, fmt::format("not an https:// URL: {}", url));
    CURL* c = easy.get();
    curl_easy_reset(c);  // keeps the connection cache, drops the last request's options
    Transfer transfer{this, {}, max_bytes};
    std::string url_text(url);
    curl::SlistPtr headers;
    curl_easy_setopt(c, CURLOPT_URL, url_text.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
    if (!tls.client_cert.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, tls.client_cert.c_str());
      curl_easy_setopt(c, CURLOPT_SSLKEY, tls.client_key.c_str());
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(deadline.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     std::min<long>(k_max_connect_ms, static_cast<long>(deadline.count())));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Impl::on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Impl::on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
    if (post_body != nullptr) {
      headers.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
      headers.reset(curl_slist_append(headers.release(), "Accept: application/json"));
      headers.reset(curl_slist_append(headers.release(), "Expect:"));  // no 100-continue round trip
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body->data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
    }
    char detail[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);

    CURLcode code = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    if (code != CURLE_OK) {
      if (transfer.too_big || code == CURLE_FILESIZE_EXCEEDED) {
        return fail(Errc::io, fmt::format("{}: response larger than {} bytes", url, max_bytes));
      }
      return fail(
          errc_for(code),
          fmt::format("{}: {}", url, detail[0] != '\0' ? detail : curl_easy_strerror(code)));
    }
    HttpResponse response;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(transfer.body);
    return response;
  }
};

HttpsClient::HttpsClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HttpsClient::~HttpsClient() = default;

Expected<std::unique_ptr<HttpsClient>> HttpsClient::create(TlsOptions tls) {
  if (auto ok = readable(tls.ca_file, "CA file"); !ok) return std::unexpected(ok.error());
  if (!tls.client_cert.empty()) {
    if (auto ok = readable(tls.client_cert, "client certificate"); !ok)
      return std::unexpected(ok.error());
    if (auto ok = readable(tls.client_key, "client key"); !ok) return std::unexpected(ok.error());
  }
  if (!curl::init_once()) return fail(Errc::internal, "curl_global_init failed");
  auto impl = std::make_unique<Impl>();
  impl->tls = std::move(tls);
  impl->easy.reset(curl_easy_init());
  if (!impl->easy) return fail(Errc::internal, "curl_easy_init failed");
  return std::unique_ptr<HttpsClient>(new HttpsClient(std::move(impl)));
}

Expected<HttpResponse> HttpsClient::post_json(std::string_view url, std::string_view json,
                                              std::chrono::milliseconds deadline,
                                              std::size_t max_response_bytes) {
  std::string body(json);
  return m_impl->perform(url, &body, max_response_bytes, deadline);
}

Expected<HttpResponse> HttpsClient::get(std::string_view url, std::size_t max_bytes,
                                        std::chrono::milliseconds deadline) {
  return m_impl->perform(url, nullptr, max_bytes, deadline);
}

void HttpsClient::cancel() {
  m_impl->cancelled = true;
}

}  // namespace shubbak
