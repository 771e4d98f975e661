#include "kiosk/store/storage_probe.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace shubbak {

namespace {

// One page: enough for a file system to have to find a block for it.
constexpr std::size_t k_probe_bytes = 4096;

std::string try_write(const std::filesystem::path& directory) {
  std::filesystem::path probe = directory / fmt::format(".store-probe-{}", ::getpid());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fmt::format("cannot create {}: {}", probe.string(), std::strerror(errno));
  char block[k_probe_bytes] = {};
  std::string problem;
  if (::write(fd, block, sizeof block) != static_cast<ssize_t>(sizeof block)) {
    problem = fmt::format("cannot write {}: {}", probe.string(), std::strerror(errno));
  } else if (::fdatasync(fd) != 0) {
    problem = fmt::format("cannot sync {}: {}", probe.string(), std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return problem;
}

}  // namespace

StorageProbe::Reading StorageProbe::read() const {
  Reading reading;
  std::filesystem::path dir =
      m_options.directory.empty() ? std::filesystem::path(".") : m_options.directory;
  struct statvfs info {};
  if (::statvfs(dir.c_str(), &info) != 0) {
    reading.problem = Problem::not_writable;
    reading.detail = fmt::format("cannot stat {}: {}", dir.string(), std::strerror(errno));
    return reading;
  }
  reading.free_bytes =
      static_cast<std::int64_t>(info.f_bavail) * static_cast<std::int64_t>(info.f_frsize);
  if (info.f_flag & ST_RDONLY) {
    reading.problem = Problem::not_writable;
    reading.detail = fmt::format("{} is mounted read-only", dir.string());
    return reading;
  }
  if (reading.free_bytes < m_options.min_free_bytes) {
    reading.problem = Problem::full;
    reading.detail = fmt::format("{} bytes free on {}, {} needed", reading.free_bytes, dir.string(),
                                 m_options.min_free_bytes);
    return reading;
  }
  if (m_options.write_probe) {
    if (auto problem = try_write(dir); !problem.empty()) {
      reading.problem = Problem::not_writable;
      reading.detail = std::move(problem);
    }
  }
  return reading;
}

Expected<void> StorageProbe::check() const {
  Reading reading = read();
  switch (reading.problem) {
    case Problem::none:
      return {};
    case Problem::full:
      return fail(Errc::io, "storage full: " + reading.detail);
    case Problem::not_writable:
      return fail(Errc::io, "storage not writable: " + reading.detail);
  }
  return {};
}

}  // namespace shubbak
