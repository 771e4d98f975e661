// A repository in a directory (a USB stick, a mounted share): the same limits as over HTTP.
#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include <fmt/format.h>

#include "kiosk/trust/fetcher.hpp"

namespace shubbak::trust {

namespace {

class DirectoryFetcher final : public Fetcher {
 public:
  Expected<void> fetch(const std::string& url, std::uint64_t max_bytes, const Sink& sink) override {
    if (url.find("/../") != std::string::npos || url.ends_with("/..")) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}: refusing a path that climbs out of the repository", url));
    }
    int fd = ::open(url.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int error = errno;
      return fail_errno(error == ENOENT ? Errc::not_found : Errc::io,
                        fmt::format("cannot open {}", url), error);
    }
    std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
    std::vector<char> buffer(1 << 16);
    std::uint64_t total = 0;
    for (;;) {
      ssize_t got = ::read(fd, buffer.data(), buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        return fail_errno(Errc::io, fmt::format("cannot read {}", url), errno);
      }
      if (got == 0) return {};
      total += static_cast<std::uint64_t>(got);
      if (total > max_bytes) {
        return fail(Errc::integrity,
                    fmt::format("{}: more than the {} bytes allowed", url, max_bytes));
      }
      if (!sink(std::string_view(buffer.data(), static_cast<std::size_t>(got)))) {
        return fail(Errc::cancelled, fmt::format("{}: stopped by the receiver", url));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Fetcher> make_directory_fetcher() {
  return std::make_unique<DirectoryFetcher>();
}

}  // namespace shubbak::trust
