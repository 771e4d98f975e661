// Verifying a 10 MB service bundle the way the updater does (stream once: length + SHA-256
// against the signed target info) versus `openssl dgst -sha256` of the same file, same run.
//   bench_verify_bundle [RUNS]
// Prints the median of each and the ratio; the aim is ours <= 1.1 x openssl + 2 ms.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "kiosk/crypto/digest.hpp"
#include "kiosk/crypto/signature.hpp"
#include "kiosk/trust/updater.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double run_openssl(const fs::path& file) {
  auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::execlp("openssl", "openssl", "dgst", "-sha256", file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "openssl dgst failed\n");
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 21;
  char pattern[] = "/tmp/shubbak-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return 1;
  fs::path dir = pattern;
  fs::path file = dir / "bundle.bin";
  constexpr std::size_t k_size = 10 * 1024 * 1024;
  {
    std::mt19937_64 random(42);
    std::vector<std::uint64_t> data(k_size / 8);
    for (auto& word : data) word = random();
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(data.data()), k_size);
  }
  shubbak::trust::TargetFile target;
  target.length = k_size;
  target.hashes["sha256"] = shubbak::digest_file(file, {"sha256"}, k_size)->hex.at("sha256");

  fs::path empty = dir / "empty.bin";
  std::ofstream(empty, std::ios::binary).flush();
  std::vector<double> ours, openssl, openssl_empty;
  run_openssl(file);  // warm the page cache and the binary
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    bool ok = shubbak::trust::target_file_matches(target, file);
    ours.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!ok) {
      std::fprintf(stderr, "verification failed\n");
      return 1;
    }
    openssl.push_back(run_openssl(file));
    openssl_empty.push_back(run_openssl(empty));
  }
  double a = median(ours), b = median(openssl);
  std::printf(
      "verify 10 MB bundle (length + sha256, as the updater): median %.2f ms over %d runs\n", a,
      runs);
  std::printf("openssl dgst -sha256 (process, same file):             median %.2f ms\n", b);
  // The process start is most of openssl's time; without it, its hashing alone:
  double startup = median(openssl_empty);
  std::printf(
      "openssl dgst of an empty file (its start-up cost):     median %.2f ms -> hashing alone "
      "~%.2f ms\n",
      startup, b - startup);
  std::printf("ratio %.2fx; aim <= 1.1x + 2 ms (%.2f ms): %s\n", a / b, 1.1 * b + 2.0,
              a <= 1.1 * b + 2.0 ? "met" : "NOT met");
  fs::remove_all(dir);
  return 0;
}
