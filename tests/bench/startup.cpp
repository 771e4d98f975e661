// tests/bench/startup: exec of the real `shubbak` binary to its first presented frame of the
// welcome screen, and its peak RSS, headless, over N runs (default 20). Prints the median.
//   startup SHUBBAK_BINARY [RUNS]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/bench/bench_stats.hpp"

extern char** environ;

using bench_stats::percentile;

namespace {

struct Run {
  double first_frame_ms = 0;
  long peak_rss_kb = 0;
};

bool run_once(const std::string& binary, const std::string& config, Run& out) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {binary, "--headless", "--config", config,
                                   "--exit-after-first-frame"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return false;
  }
  std::string seen;
  char buffer[256];
  bool got_frame = false;
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(n));
    if (seen.find("first-frame\n") != std::string::npos) {
      out.first_frame_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      got_frame = true;
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  out.peak_rss_kb = usage.ru_maxrss;
  return got_frame && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: startup SHUBBAK_BINARY [RUNS]\n");
    return 2;
  }
  std::string binary = argv[1];
  int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  if (runs < 1 || runs > 1000) runs = 20;

  char dir_template[] = "/tmp/shubbak-bench-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return 1;
  std::string dir = dir_template;
  std::string config = dir + "/kiosk.toml";
  std::ofstream(config) << "[kiosk]\ndata_dir = \"data\"\n[log]\nlevel = \"warn\"\n";

  Run warmup;
  run_once(binary, config, warmup);  // page cache warm, as on a kiosk that restarts
  std::vector<double> times, rss;
  for (int i = 0; i < runs; ++i) {
    Run r;
    if (!run_once(binary, config, r)) {
      std::fprintf(stderr, "startup: run %d failed\n", i + 1);
      return 1;
    }
    times.push_back(r.first_frame_ms);
    rss.push_back(static_cast<double>(r.peak_rss_kb) / 1024.0);
  }
  std::string cleanup = "rm -rf '" + dir + "'";
  [[maybe_unused]] int ignored = std::system(cleanup.c_str());

  double median_ms = percentile(times, 0.5), median_mb = percentile(rss, 0.5);
  std::printf("startup (headless 1920x1080, welcome screen, %d runs)\n", runs);
  std::printf(
      "  exec to first presented frame: median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms\n",
      median_ms, percentile(times, 0.9), percentile(times, 0.0), percentile(times, 1.0));
  std::printf("  peak RSS: median %.1f MB, max %.1f MB\n", median_mb, percentile(rss, 1.0));
  std::printf("  aim: < 150 ms and < 40 MB: %s\n",
              median_ms < 150 && median_mb < 40 ? "met" : "NOT met");
  return 0;
}
