#include "kiosk/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace shubbak {

namespace fs = std::filesystem;

namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

 private:
  int m_fd;
};

void notify(const PersistObserver& observer, PersistStep step, const fs::path& file) {
  if (observer) observer(step, file);
}

}  // namespace

std::string_view to_string(PersistStep step) {
  switch (step) {
    case PersistStep::written:
      return "written";
    case PersistStep::synced:
      return "synced";
    case PersistStep::renamed:
      return "renamed";
    case PersistStep::directory_synced:
      return "directory-synced";
    case PersistStep::removed:
      return "removed";
  }
  return "unknown";
}

Expected<void> sync_directory(const fs::path& directory) {
  FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0)
    return fail_errno(Errc::io, fmt::format("cannot open directory {}", directory.string()), errno);
  if (::fsync(fd.get()) != 0)
    return fail_errno(Errc::io, fmt::format("fsync {}", directory.string()), errno);
  return {};
}

Expected<void> write_file_atomically(const fs::path& path, std::string_view content,
                                     const PersistObserver& observer) {
  fs::path temporary = path;
  temporary += fmt::format(".tmp-{}", ::getpid());
  FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0)
    return fail_errno(Errc::io, fmt::format("cannot create {}", temporary.string()), errno);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t wrote = ::write(fd.get(), content.data() + done, content.size() - done);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::unlink(temporary.c_str());
      return fail_errno(Errc::io, fmt::format("cannot write {}", temporary.string()), error);
    }
    done += static_cast<std::size_t>(wrote);
  }
  notify(observer, PersistStep::written, path);
  if (::fsync(fd.get()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return fail_errno(Errc::io, fmt::format("fsync {}", temporary.string()), error);
  }
  notify(observer, PersistStep::synced, path);
  ::close(fd.release());
  return install_file_atomically(temporary, path, observer);
}

Expected<void> install_file_atomically(const fs::path& from, const fs::path& to,
                                       const PersistObserver& observer) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    int error = errno;
    ::unlink(from.c_str());
    return fail_errno(Errc::io, fmt::format("cannot rename {} to {}", from.string(), to.string()),
                      error);
  }
  notify(observer, PersistStep::renamed, to);
  auto synced = sync_directory(to.has_parent_path() ? to.parent_path() : fs::path("."));
  if (!synced) return synced;
  notify(observer, PersistStep::directory_synced, to);
  return {};
}

Expected<void> remove_file_durably(const fs::path& path, const PersistObserver& observer) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return {};
    return fail_errno(Errc::io, fmt::format("cannot remove {}", path.string()), errno);
  }
  notify(observer, PersistStep::removed, path);
  auto synced = sync_directory(path.has_parent_path() ? path.parent_path() : fs::path("."));
  if (!synced) return synced;
  notify(observer, PersistStep::directory_synced, path);
  return {};
}

Expected<std::string> read_whole_file(const fs::path& path, std::uintmax_t max_bytes) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int error = errno;
    return fail_errno(error == ENOENT ? Errc::not_found : Errc::io,
                      fmt::format("cannot open {}", path.string()), error);
  }
  std::string content;
  std::vector<char> buffer(1 << 16);
  for (;;) {
    ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail_errno(Errc::io, fmt::format("cannot read {}", path.string()), errno);
    }
    if (got == 0) return content;
    content.append(buffer.data(), static_cast<std::size_t>(got));
    if (content.size() > max_bytes) {
      return fail(Errc::integrity,
                  fmt::format("{} is larger than {} bytes", path.string(), max_bytes));
    }
  }
}

}  // namespace shubbak
