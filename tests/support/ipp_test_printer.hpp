// A real IPP Everywhere printer for tests: ippeveprinter on a free loopback port, with its own
// dbus-daemon (it needs a system bus for DNS-SD) and the hook tests/fixtures/printer/ipp_hook.sh
// as its print command. The test decides how each job ends (HookBehaviour). Documents land
// byte-exact in spool_dir() as "<job-id>-<job name, lower case>.<ext>".
// Both processes are stopped by pid in the destructor; every wait is bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace shubbak::testing {

enum class HookBehaviour { succeed, media_empty, media_jam, hang };

class IppTestPrinter {
 public:
  // Starts everything under `dir` (which must exist); throws std::runtime_error if a program is
  // missing or does not come up within a few seconds.
  explicit IppTestPrinter(const std::filesystem::path& dir);
  ~IppTestPrinter();
  IppTestPrinter(const IppTestPrinter&) = delete;
  IppTestPrinter& operator=(const IppTestPrinter&) = delete;

  int port() const { return m_port; }
  std::string uri() const;  // ipp://localhost:PORT/ipp/print
  const std::filesystem::path& spool_dir() const { return m_spool; }

  void set_behaviour(HookBehaviour behaviour) const;
  // Waits until the hook has started a job (for at most `limit`).
  bool wait_for_job_start(std::chrono::milliseconds limit) const;

  // SIGKILL, as a power cut; then start again on the same port (fresh job list, same spool).
  void kill_printer();
  void restart_printer();

  // The spooled document of job `job_id`, once it is there (for at most `limit`).
  std::optional<std::filesystem::path> spool_file(int job_id,
                                                  std::chrono::milliseconds limit) const;

 private:
  void start_printer();
  std::filesystem::path m_dir, m_spool, m_control;
  int m_port = 0;
  int m_starts = 0;
  std::unique_ptr<ChildProcess> m_dbus;
  std::unique_ptr<ChildProcess> m_printer;
};

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& file);
// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int free_loopback_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
bool accepts_connections(int port);

}  // namespace shubbak::testing
