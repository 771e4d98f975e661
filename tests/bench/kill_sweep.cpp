// tests/bench/kill_sweep: the crash sweep at length: ROUNDS SIGKILLs of a child committing
// transactions; reports losses (must be 0), partial transactions (must be 0) and how much was
// committed.   kill_sweep STORE_TOOL [ROUNDS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "tests/integration/store/kill_sweep.hpp"
#include "tests/support/temp_dir.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kill_sweep STORE_TOOL [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 1000;
  shubbak::testing::TempDir dir;
  std::uint64_t seed = std::random_device{}();
  auto start = std::chrono::steady_clock::now();
  auto result = shubbak::testing::run_kill_sweep(argv[1], dir.path(), rounds, 50, 30'000, seed);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("kill_sweep (%d SIGKILLs at random points, seed %llu, %.1f s)\n", result.rounds,
              static_cast<unsigned long long>(seed), seconds);
  std::printf(
      "  reported committed %lld, stored %lld, lost %lld, partial %lld, integrity failures %d\n",
      static_cast<long long>(result.reported), static_cast<long long>(result.stored),
      static_cast<long long>(result.lost), static_cast<long long>(result.partial),
      result.integrity_failures);
  std::printf("  kills before the first commit %d, amid commits %d\n",
              result.kills_before_first_commit, result.kills_amid_commits);
  if (!result.first_problem.empty())
    std::printf("  first problem: %s\n", result.first_problem.c_str());
  return result.lost == 0 && result.partial == 0 && result.integrity_failures == 0 ? 0 : 1;
}
