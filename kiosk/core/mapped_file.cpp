#include "kiosk/core/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace shubbak {

Expected<std::unique_ptr<MappedFile>> MappedFile::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail_errno(Errc::not_found, fmt::format("cannot open {}", path.string()), errno);
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) {
    int error = errno;
    ::close(fd);
    return fail(Errc::parse,
                fmt::format("{} is not a regular file with content ({})", path.string(),
                            error != 0 ? std::strerror(error) : "empty"));
  }
  auto size = static_cast<std::size_t>(status.st_size);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int error = errno;
  ::close(fd);  // the mapping keeps the file
  if (data == MAP_FAILED)
    return fail_errno(Errc::io, fmt::format("cannot map {}", path.string()), error);
  return std::unique_ptr<MappedFile>(new MappedFile(static_cast<const unsigned char*>(data), size));
}

MappedFile::~MappedFile() {
  ::munmap(const_cast<unsigned char*>(m_data), m_size);
}

}  // namespace shubbak
