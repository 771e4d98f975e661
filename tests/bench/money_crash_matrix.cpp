// tests/bench/money_crash_matrix: the money's crash matrix at length: ROUNDS SIGKILLs of a
// kiosk-side child on the pay -> store -> print path, at every durable step and at random
// moments; prints the kills by point and the violations (all must be 0).
//   money_crash_matrix CHILD [ROUNDS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "tests/integration/payments/money_matrix.hpp"
#include "tests/support/temp_dir.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: money_crash_matrix CHILD [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 2000;
  shubbak::testing::TempDir dir;
  std::uint64_t seed = std::random_device{}();
  auto start = std::chrono::steady_clock::now();
  auto r = shubbak::testing::run_money_matrix(argv[1], dir.path(), rounds, seed);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("money_crash_matrix (%d rounds, seed %llu, %.1f s)\n", r.rounds,
              static_cast<unsigned long long>(seed), seconds);
  std::printf("  SIGKILLs %d:", r.kills);
  for (const auto& [point, n] : r.kills_at) std::printf(" %s=%d", point.c_str(), n);
  std::printf("\n  restarts checked %d, intents reconciled %lld\n", r.checks,
              static_cast<long long>(r.reconciled));
  std::printf("  transactions stored %lld, charges standing %lld, reversed %lld\n",
              static_cast<long long>(r.stored), static_cast<long long>(r.charged),
              static_cast<long long>(r.reversed));
  std::printf(
      "  taken and reversed %d, charged unstored %d, double charged %d, stored unpaid %d, "
      "unresolved %d, "
      "integrity failures %d\n",
      r.taken_and_reversed, r.charged_unstored, r.double_charged, r.stored_unpaid, r.unresolved,
      r.integrity_failures);
  if (!r.first_problem.empty()) std::printf("  first problem: %s\n", r.first_problem.c_str());
  bool clean = r.taken_and_reversed + r.charged_unstored + r.double_charged + r.stored_unpaid +
                   r.unresolved + r.integrity_failures ==
               0;
  return clean ? 0 : 1;
}
