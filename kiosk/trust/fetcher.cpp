#include "kiosk/trust/fetcher.hpp"

namespace shubbak::trust {

Expected<std::string> Fetcher::fetch_bytes(const std::string& url, std::uint64_t max_bytes) {
  std::string body;
  auto done = fetch(url, max_bytes, [&](std::string_view chunk) {
    body.append(chunk);
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return body;
}

Expected<std::unique_ptr<Fetcher>> make_fetcher_for(std::string_view base_url,
                                                    const FetchOptions& options) {
  if (base_url.starts_with("http://") || base_url.starts_with("https://") ||
      base_url.starts_with("file://")) {
    return make_http_fetcher(options);
  }
  return make_directory_fetcher();
}

}  // namespace shubbak::trust
