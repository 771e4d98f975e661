// Fetcher over kiosk/net's streaming download (http://, https://, file://).
#include "kiosk/net/download.hpp"
#include "kiosk/trust/fetcher.hpp"

namespace shubbak::trust {

namespace {

class HttpFetcher final : public Fetcher {
 public:
  explicit HttpFetcher(FetchOptions options) : m_options(std::move(options)) {}

  Expected<void> fetch(const std::string& url, std::uint64_t max_bytes, const Sink& sink) override {
    return download(url, max_bytes, sink, m_options);
  }

 private:
  FetchOptions m_options;
};

}  // namespace

Expected<std::unique_ptr<Fetcher>> make_http_fetcher(const FetchOptions& options) {
  return std::make_unique<HttpFetcher>(options);
}

}  // namespace shubbak::trust
