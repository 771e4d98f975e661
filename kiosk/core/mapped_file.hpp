// A file mapped read-only into memory: its bytes are read by the kernel on first touch and
// shared with every other process that maps it, so a large file of which little is used (a font
// with thousands of glyphs, of which a screen draws a few dozen) costs only the pages touched.
// Only for files nothing rewrites in place (package-installed fonts are replaced by rename,
// which leaves the mapped file intact).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

#include "kiosk/core/error.hpp"

namespace shubbak {

class MappedFile {
 public:
  static Expected<std::unique_ptr<MappedFile>> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const unsigned char> bytes() const { return {m_data, m_size}; }

 private:
  MappedFile(const unsigned char* data, std::size_t size) : m_data(data), m_size(size) {}
  const unsigned char* m_data;
  std::size_t m_size;
};

}  // namespace shubbak
