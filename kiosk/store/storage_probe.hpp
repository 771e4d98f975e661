// Whether the file system under the store can take the next transaction: enough free space
// (statvfs, against a configured reserve) and a directory that still accepts a write (a small
// file created, written, synced and removed). A read-only remount, a dying card or a full disk
// shows here before a citizen starts, not after they paid.
//
// Threading: stateless apart from its options; any thread. A check costs a statvfs and one
// small synced write: call it from a worker or at a moment nobody waits for a frame.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "kiosk/core/error.hpp"

namespace shubbak {

class StorageProbe {
 public:
  struct Options {
    std::filesystem::path directory;  // where the store's file lives
    std::int64_t min_free_bytes = 0;  // below this the store counts as full
    bool write_probe = true;          // also try a small synced write
  };

  explicit StorageProbe(Options options) : m_options(std::move(options)) {}

  enum class Problem { none, full, not_writable };
  struct Reading {
    Problem problem = Problem::none;
    std::int64_t free_bytes = -1;  // -1: statvfs failed
    std::string detail;            // for the log and the technician
  };

  Reading read() const;
  // Errc::io with "storage full: ..." or "storage not writable: ..." when there is a problem.
  Expected<void> check() const;

 private:
  Options m_options;
};

}  // namespace shubbak
