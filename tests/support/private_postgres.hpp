// A private PostgreSQL server for one test or benchmark: Debian's initdb and postgres in a
// temporary directory, listening only on a Unix socket there (no TCP port), run as the
// unprivileged user `nobody` when the test runs as root (PostgreSQL refuses to run as root).
// Stopped (fast shutdown, by pid) and removed on destruction.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace shubbak::testing {

class PrivatePostgres {
 public:
  // Starts the server; throws std::runtime_error with the server's log when it cannot.
  // `fsync`: off for tests that never crash the server (faster), on for benchmarks.
  explicit PrivatePostgres(bool fsync = false);
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // A libpq URI for database `name`, made empty on first use by create_database().
  std::string uri(const std::string& database = "postgres") const;
  // Creates database `name` (throws when it cannot) and returns its URI.
  std::string create_database(const std::string& name);
  const std::filesystem::path& directory() const { return m_dir; }
  std::string log() const;
  // The postmaster's pid (its backends are its children).
  int pid() const;

 private:
  std::filesystem::path m_dir;
  std::unique_ptr<ChildProcess> m_server;
};

}  // namespace shubbak::testing
