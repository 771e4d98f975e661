// Runs a real program for an integration test: arguments, extra environment, stdout and stderr
// captured to files, stdin from a file (default /dev/null), a bounded wait, and a kill by pid if
// it overstays.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shubbak::testing {

class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, const std::filesystem::path& output_dir,
               std::vector<std::string> extra_env = {},
               const std::filesystem::path& stdin_file = "/dev/null");
  ~ChildProcess();  // kills the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return m_pid; }
  void signal(int signo) const;

  // The exit code, or nullopt if it did not exit within `limit` (it is then killed) or died
  // from a signal.
  std::optional<int> wait(std::chrono::milliseconds limit);

  // Polls stderr until it contains `text`, for at most `limit`.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds limit) const;

  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  pid_t m_pid = -1;
  bool m_reaped = false;
  std::filesystem::path m_stdout, m_stderr;
};

}  // namespace shubbak::testing
