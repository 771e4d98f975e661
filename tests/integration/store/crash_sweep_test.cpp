// The crash sweep: a real child process commits transactions to a real SQLite file and is
// SIGKILLed at random points, 200 times. After every kill the database passes integrity_check,
// holds every transaction the child reported as committed, and holds none partially.
#include <doctest/doctest.h>

#include <random>

#include "tests/integration/store/kill_sweep.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak::testing;

TEST_CASE("200 SIGKILLs at random points lose no reported transaction and leave none partial") {
  TempDir dir;
  std::uint64_t seed = std::random_device{}();
  INFO("seed ", seed);
  auto result = run_kill_sweep(SHUBBAK_STORE_TOOL, dir.path(), 200, 50, 30'000, seed);
  INFO("first problem: ", result.first_problem);
  CHECK(result.rounds == 200);
  CHECK(result.integrity_failures == 0);
  CHECK(result.lost == 0);
  CHECK(result.partial == 0);
  // The sweep must really have exercised commits, and kills at varied moments: during start-up
  // and recovery, and in the middle of a run of commits.
  CHECK(result.reported >= result.rounds / 2);
  CHECK(result.stored >= result.reported);
  CHECK(result.kills_before_first_commit > 0);
  CHECK(result.kills_amid_commits > result.rounds / 10);
}
